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
/// alignment 1. Asserted per field, spanned at the field's type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a wire-safe packet field",
    label = "packet fields must be `u8`, `i8`, `[u8; N]`, `lake::be::*` / `lake::le::*` integers or other packets",
    note = "wire-safe means: every bit pattern valid, no padding, alignment 1 (zerocopy's FromBytes + IntoBytes + Immutable + Unaligned)"
)]
pub trait WireField {}
impl<T> WireField for T where
    T: zerocopy::FromBytes + zerocopy::IntoBytes + zerocopy::Immutable + zerocopy::Unaligned
{
}

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
