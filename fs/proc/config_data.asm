; The kernel's .config, embedded unchanged for /proc/config. The build
; passes its path as PROC_KCONFIG (fs/proc/Makefile) and rebuilds this
; object whenever the file changes.
section .rodata progbits alloc noexec nowrite align=1

global proc_config_data
global proc_config_end

proc_config_data:
	incbin PROC_KCONFIG
proc_config_end:
