//! Marker traits whose only job is a good compile error in derive output.
//!
//! Rarely edited on purpose: their source lines appear in the ui-tests' `.stderr` files.

/// Satisfied only when `NEEDS_DROP` is `false`; the derive asks for
/// `(): NoDropGlue<Foo, { needs_drop::<Foo>() }>`.
#[diagnostic::on_unimplemented(
    message = "`{T}` needs `Drop`, but a `lake::Lake` never runs destructors",
    label = "`#[derive(LakeAlloc)]` constructors would leak this type's resources",
    note = "keep owned resources (String, Vec, Box, Rc, types with a Drop impl) out of lake-allocated structs, or allocate with `Lake::alloc_box`, which drops"
)]
pub trait NoDropGlue<T: ?Sized, const NEEDS_DROP: bool> {}
impl<T: ?Sized> NoDropGlue<T, false> for () {}

/// Every field of a packet must be its own bytes: any bit pattern valid, no padding,
/// alignment 1. Asserted per field, spanned at the field's type, so the first error names the
/// field in lake's words. Diagnostic only: soundness rests on the `Packet` supertraits. One
/// bound (alignment, the usual mistake) so a bad field gives one such error, not four; the
/// zerocopy derives report the other traits.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a wire-safe packet field",
    label = "packet fields must be `u8`, `i8`, `[u8; N]`, `lake::be::*` / `lake::le::*` integers or other packets",
    note = "wire-safe means: every bit pattern valid, no padding, alignment 1 (zerocopy's FromBytes + IntoBytes + Immutable + Unaligned)"
)]
pub trait WireField {}
impl<T: zerocopy::Unaligned> WireField for T {}

/// An unsigned wire integer a length, constant value, header length or bit field can live in.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a lake length, value, header length or bit fields",
    label = "use `u8` or an unsigned `lake::be` / `lake::le` integer (U16, U32, U64)"
)]
pub trait WireUint {
    /// Width in bits.
    const BITS: u32;
    /// The value, widened.
    fn load(&self) -> u64;
    /// Stores the low `BITS` bits of `v`.
    fn store(&mut self, v: u64);
}

impl WireUint for u8 {
    const BITS: u32 = 8;
    #[inline(always)]
    fn load(&self) -> u64 {
        u64::from(*self)
    }
    #[inline(always)]
    fn store(&mut self, v: u64) {
        *self = v as u8;
    }
}

macro_rules! wire_uint {
    ($($ty:ident: $native:ty, $bits:expr;)*) => {$(
        impl<O: zerocopy::ByteOrder> WireUint for zerocopy::byteorder::$ty<O> {
            const BITS: u32 = $bits;
            #[inline(always)]
            fn load(&self) -> u64 {
                u64::from(self.get())
            }
            #[inline(always)]
            fn store(&mut self, v: u64) {
                self.set(v as $native);
            }
        }
    )*};
}
wire_uint! {
    U16: u16, 16;
    U32: u32, 32;
    U64: u64, 64;
}

/// `#[lake(bytes)]`'s `as_bytes` needs every byte of the value initialised: no padding, no
/// `MaybeUninit`. `bytemuck::NoUninit` (whose derive rejects padding) is that promise; the
/// blanket impl carries the bound and the cast, so the expansion stays free of `unsafe`.
#[diagnostic::on_unimplemented(
    message = "`#[lake(bytes)]` needs `{Self}: bytemuck::NoUninit`",
    label = "every byte of `{Self}` must be initialised (no padding) to be viewed as bytes",
    note = "add #[derive(Clone, Copy, bytemuck::NoUninit)] and #[repr(C)] to the struct (the derive rejects padding), or remove #[lake(bytes)]"
)]
pub trait AsBytes {
    /// `bytemuck::bytes_of(self)`.
    fn as_bytes(&self) -> &[u8];
}

impl<T: bytemuck::NoUninit> AsBytes for T {
    #[inline]
    fn as_bytes(&self) -> &[u8] {
        bytemuck::bytes_of(self)
    }
}

/// `#[lake(zeroed)]` constructors need all-zero bytes to be a valid value. Not a supertrait of
/// `Zeroable` (a supertrait would be reported instead of this message); the blanket impl
/// carries the bound and the allocation.
#[diagnostic::on_unimplemented(
    message = "`#[lake(zeroed)]` needs `{Self}: bytemuck::Zeroable`",
    label = "all-zero bytes must be a valid `{Self}`",
    note = "add #[derive(bytemuck::Zeroable)] to the struct (or implement `bytemuck::Zeroable`), or remove #[lake(zeroed)]"
)]
// `&Lake -> &mut T` is the arena's contract (each call returns a fresh block).
#[allow(clippy::mut_from_ref)]
pub trait ZeroedIn: Sized {
    /// `lake.alloc_zeroed::<Self>()`.
    fn zeroed_in(lake: &crate::Lake) -> &mut Self;
    /// `lake.alloc_slice_zeroed::<Self>(len)`.
    fn slice_zeroed_in(lake: &crate::Lake, len: usize) -> &mut [Self];
}

impl<T: bytemuck::Zeroable> ZeroedIn for T {
    #[inline]
    fn zeroed_in(lake: &crate::Lake) -> &mut Self {
        lake.alloc_zeroed::<T>()
    }
    #[inline]
    fn slice_zeroed_in(lake: &crate::Lake, len: usize) -> &mut [Self] {
        lake.alloc_slice_zeroed::<T>(len)
    }
}
