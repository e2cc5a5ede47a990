; The multiboot2 header (Multiboot2 spec, section 3.1): GRUB finds it in the
; first 32 KiB of the image (the linker script puts .multiboot first). Tags
; are 8-byte aligned; the list ends with the end tag.

MB2_HEADER_MAGIC   equ 0xe85250d6
MB2_ARCH_I386      equ 0
MB2_TAG_END        equ 0
MB2_TAG_ENTRY      equ 3
MB2_TAG_FB         equ 5
MB2_TAG_OPTIONAL   equ 1

extern _start32

section .multiboot progbits alloc noexec nowrite align=8
mb2_header:
	dd MB2_HEADER_MAGIC
	dd MB2_ARCH_I386
	dd mb2_header_end - mb2_header
	dd 0x100000000 - (MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	; Jump to the 32-bit entry; the ELF entry of a 64-bit image is not
	; something every loader accepts.
	align 8, db 0
	dw MB2_TAG_ENTRY, 0
	dd 12
	dd _start32

%ifdef CONFIG_FB_CONSOLE
	; Ask for a linear framebuffer; optional, so text mode still boots.
	align 8, db 0
	dw MB2_TAG_FB, MB2_TAG_OPTIONAL
	dd 20
	dd CONFIG_FB_CONSOLE_WIDTH
	dd CONFIG_FB_CONSOLE_HEIGHT
	dd 32
%endif

	align 8, db 0
	dw MB2_TAG_END, 0
	dd 8
mb2_header_end:
