; The 32-bit entry. GRUB leaves us in protected mode, paging off, EAX = the
; multiboot2 magic, EBX = the info block's physical address (Multiboot2 spec
; 3.3). We check the magic and the CPU, build boot page tables, enable PAE,
; long mode, NX and write-protect, then continue in head64.asm.

KERNEL_VMA      equ 0xffffffff80000000
MB2_BOOT_MAGIC  equ 0x36d76289
PAGE_SIZE       equ 4096
PTE_PRESENT     equ 1 << 0
PTE_WRITE       equ 1 << 1
PTE_HUGE        equ 1 << 7
CR0_WP          equ 1 << 16
CR0_PG          equ 1 << 31
CR4_PAE         equ 1 << 5
MSR_EFER        equ 0xc0000080
EFER_LME        equ 1 << 8
EFER_NXE        equ 1 << 11
CPUID_EXT_LM    equ 1 << 29          ; CPUID 0x80000001 EDX
CPUID_EXT_NX    equ 1 << 20
EFLAGS_ID       equ 1 << 21
VGA_TEXT        equ 0xb8000
COM1            equ 0x3f8
; The higher-half image is mapped with 4 KiB pages over its first 8 MiB so
; that the page under the boot stack can be left unmapped.
HIGH_PT_COUNT   equ 4

global _start32
global boot_pml4
global boot_mb2_magic
global boot_mb2_info
extern long_mode_entry
extern boot_stack_guard

section .boot.text progbits alloc exec nowrite align=16
bits 32
_start32:
	cli
	cld
	mov [boot_mb2_magic], eax
	mov [boot_mb2_info], ebx
	mov esp, boot_early_stack_top

	cmp eax, MB2_BOOT_MAGIC
	jne .bad_magic
	call check_long_mode
	test eax, eax
	jz .no_long_mode

	call zero_page_tables
	call build_page_tables
	call enable_long_mode
	lgdt [boot_gdt_ptr]
	jmp 0x08:long_mode_entry

.bad_magic:
	mov esi, msg_bad_magic
	jmp fatal32
.no_long_mode:
	mov esi, msg_no_long_mode
	jmp fatal32

; Returns EAX = 1 when CPUID exists and reports long mode; EDI = NX present.
check_long_mode:
	pushfd
	pop eax
	mov ecx, eax
	xor eax, EFLAGS_ID
	push eax
	popfd
	pushfd
	pop eax
	push ecx
	popfd
	xor eax, ecx
	jz .no                              ; ID bit would not flip: no CPUID
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .no
	mov eax, 0x80000001
	cpuid
	mov edi, edx
	and edi, CPUID_EXT_NX
	test edx, CPUID_EXT_LM
	jz .no
	mov [boot_cpu_has_nx], edi
	mov eax, 1
	ret
.no:
	xor eax, eax
	ret

zero_page_tables:
	mov edi, boot_page_tables_start
	mov ecx, (boot_page_tables_end - boot_page_tables_start) / 4
	xor eax, eax
	rep stosd
	ret

; PML4[0] and PML4[256] share one PDPT mapping 0-4 GiB with 2 MiB pages:
; identity for the switch, the direct map at 0xffff800000000000 for later.
; PML4[511] -> PDPT[510] maps the kernel image at 0xffffffff80000000.
build_page_tables:
	mov eax, boot_pdpt_low + PTE_PRESENT + PTE_WRITE
	mov [boot_pml4], eax
	mov [boot_pml4 + 256 * 8], eax
	mov eax, boot_pdpt_high + PTE_PRESENT + PTE_WRITE
	mov [boot_pml4 + 511 * 8], eax

	; Four page directories, one per GiB.
	xor ecx, ecx
.pdpt_low:
	mov eax, ecx
	shl eax, 12
	add eax, boot_pd_low + PTE_PRESENT + PTE_WRITE
	mov [boot_pdpt_low + ecx * 8], eax
	inc ecx
	cmp ecx, 4
	jne .pdpt_low

	; 2048 entries of 2 MiB each; the high half of each entry holds
	; bits 32+ of the physical address.
	xor ecx, ecx
.pd_low:
	mov eax, ecx
	shl eax, 21
	or eax, PTE_PRESENT + PTE_WRITE + PTE_HUGE
	mov [boot_pd_low + ecx * 8], eax
	mov eax, ecx
	shr eax, 11
	mov [boot_pd_low + ecx * 8 + 4], eax
	inc ecx
	cmp ecx, 2048
	jne .pd_low

	mov eax, boot_pd_high + PTE_PRESENT + PTE_WRITE
	mov [boot_pdpt_high + 510 * 8], eax
	xor ecx, ecx
.pd_high:
	mov eax, ecx
	shl eax, 12
	add eax, boot_pt_high + PTE_PRESENT + PTE_WRITE
	mov [boot_pd_high + ecx * 8], eax
	inc ecx
	cmp ecx, HIGH_PT_COUNT
	jne .pd_high

	xor ecx, ecx
.pt_high:
	mov eax, ecx
	shl eax, 12
	or eax, PTE_PRESENT + PTE_WRITE
	mov [boot_pt_high + ecx * 8], eax
	inc ecx
	cmp ecx, HIGH_PT_COUNT * 512
	jne .pt_high

	; Leave the guard page under the boot stack unmapped in the higher
	; half, so a stack overflow faults instead of corrupting .bss.
	mov eax, boot_stack_guard - KERNEL_VMA
	shr eax, 12
	mov dword [boot_pt_high + eax * 8], 0
	ret

enable_long_mode:
	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	mov eax, boot_pml4
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME
	cmp dword [boot_cpu_has_nx], 0
	je .no_nx
	or eax, EFER_NXE
.no_nx:
	wrmsr
	mov eax, cr0
	or eax, CR0_PG | CR0_WP
	mov cr0, eax
	ret

; Prints the NUL-terminated string at ESI on the VGA screen (white on red)
; and on COM1, then halts: nothing else can be done without long mode.
fatal32:
	mov edi, VGA_TEXT
.next:
	lodsb
	test al, al
	jz .halt
	mov ah, 0x4f
	mov [edi], ax
	add edi, 2
	mov bl, al
	mov dx, COM1 + 5
	mov ecx, 100000
.wait_tx:
	in al, dx
	test al, 0x20
	jnz .send
	loop .wait_tx
.send:
	mov dx, COM1
	mov al, bl
	out dx, al
	jmp .next
.halt:
	cli
	hlt
	jmp .halt

section .boot.rodata progbits alloc noexec nowrite align=8
msg_bad_magic:
	db "Tessera: not booted by a multiboot2 loader (bad magic); halting", 13, 10, 0
msg_no_long_mode:
	db "Tessera: this CPU has no x86_64 long mode; halting", 13, 10, 0

; A flat 64-bit code segment and a data segment: enough to enter long
; mode. arch/x86 installs the real GDT (with TSS and user segments) later.
align 8
boot_gdt:
	dq 0
	dq 0x00af9a000000ffff               ; 0x08: 64-bit code, DPL 0
	dq 0x00cf92000000ffff               ; 0x10: data, DPL 0
boot_gdt_end:
boot_gdt_ptr:
	dw boot_gdt_end - boot_gdt - 1
	dd boot_gdt

section .boot.bss nobits alloc noexec write align=4096
boot_page_tables_start:
boot_pml4:      resb PAGE_SIZE
boot_pdpt_low:  resb PAGE_SIZE
boot_pdpt_high: resb PAGE_SIZE
boot_pd_low:    resb 4 * PAGE_SIZE
boot_pd_high:   resb PAGE_SIZE
boot_pt_high:   resb HIGH_PT_COUNT * PAGE_SIZE
boot_page_tables_end:
boot_early_stack:
	resb 256
boot_early_stack_top:
boot_mb2_magic: resd 1
boot_mb2_info:  resd 1
boot_cpu_has_nx: resd 1
