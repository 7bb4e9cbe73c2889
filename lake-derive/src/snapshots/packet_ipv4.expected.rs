#[derive(
    :: lake :: __private :: zerocopy :: FromBytes,
    :: lake :: __private :: zerocopy :: IntoBytes,
    :: lake :: __private :: zerocopy :: KnownLayout,
    :: lake :: __private :: zerocopy :: Immutable,
    :: lake :: __private :: zerocopy :: Unaligned,
)]
#[zerocopy(crate = "::lake::__private::zerocopy")]
#[repr(C)]
pub struct Ipv4 {
    pub ver_ihl: u8,
    pub tos: u8,
    pub total_len: U16,
    pub rest: [u8; 16],
}
const _: () = {
    #[allow(dead_code, clippy::all)]
    fn lake_packet_field_types() {
        ::lake::__private::assert_wire_field::<u8>();
        ::lake::__private::assert_wire_uint::<u8>();
        ::lake::__private::assert_wire_field::<u8>();
        ::lake::__private::assert_wire_uint::<u8>();
        ::lake::__private::assert_wire_field::<U16>();
        ::lake::__private::assert_wire_uint::<U16>();
        ::lake::__private::assert_wire_field::<[u8; 16]>();
    }
};
#[automatically_derived]
impl ::lake::wire::Packet for Ipv4 {
    const NAME: &'static str = "Ipv4";
    #[inline]
    fn extent(
        &self,
        available: usize,
    ) -> ::lake::__private::core::result::Result<::lake::wire::Extent, ::lake::wire::Error> {
        ::lake::__private::expect_value(
            <Self as ::lake::wire::Packet>::NAME,
            "version",
            ::lake::__private::bits_get(&self.ver_ihl, 4u32, 4u32),
            4u64,
        )?;
        ::lake::__private::expect_value(
            <Self as ::lake::wire::Packet>::NAME,
            "tos",
            <u8 as ::lake::__private::WireUint>::load(&self.tos),
            7u64,
        )?;
        let header_len = ::lake::__private::header_len_at_least(
            <Self as ::lake::wire::Packet>::NAME,
            "ihl",
            ::lake::__private::bits_get(&self.ver_ihl, 0u32, 4u32),
            4u64,
            <Self as ::lake::wire::Packet>::FIXED_LEN,
        )?;
        let payload_len = ::lake::__private::length_total(
            <Self as ::lake::wire::Packet>::NAME,
            "total_len",
            <U16 as ::lake::__private::WireUint>::load(&self.total_len),
            (20u64, 1500u64),
            header_len,
            available,
        )?;
        let check: fn(&Self) -> ::lake::__private::core::result::Result<(), &'static str> = ipv4_ok;
        ::lake::__private::check(<Self as ::lake::wire::Packet>::NAME, check(self))?;
        ::lake::__private::core::result::Result::Ok(::lake::wire::Extent {
            header_len: header_len,
            payload_len: payload_len,
        })
    }
    #[inline]
    fn stamp(
        &mut self,
        extent: ::lake::wire::Extent,
    ) -> ::lake::__private::core::result::Result<(), ::lake::wire::Error> {
        let _ = extent;
        ::lake::__private::bits_set(&mut self.ver_ihl, 4u32, 4u32, 4u64);
        <u8 as ::lake::__private::WireUint>::store(&mut self.tos, 7u64);
        let raw = ::lake::__private::header_len_raw(
            <Self as ::lake::wire::Packet>::NAME,
            "ihl",
            extent.header_len,
            4u64,
            <Self as ::lake::wire::Packet>::FIXED_LEN,
            4u32,
        )?;
        ::lake::__private::bits_set(&mut self.ver_ihl, 0u32, 4u32, raw);
        let raw = ::lake::__private::length_value(
            <Self as ::lake::wire::Packet>::NAME,
            "total_len",
            true,
            (20u64, 1500u64),
            extent,
            <U16 as ::lake::__private::WireUint>::BITS,
        )?;
        <U16 as ::lake::__private::WireUint>::store(&mut self.total_len, raw);
        ::lake::__private::core::result::Result::Ok(())
    }
}
#[allow(clippy::len_without_is_empty)]
impl Ipv4 {
    #[doc = "Reads `ver_ihl` (converted to the native integer type where it has a byte order)."]
    #[inline]
    pub fn ver_ihl(&self) -> u8 {
        self.ver_ihl
    }
    #[doc = "Writes `ver_ihl`."]
    #[inline]
    pub fn set_ver_ihl(&mut self, value: u8) {
        self.ver_ihl = value;
    }
    #[doc = "Reads the 4-bit sub-field `version` of `ver_ihl` (bits 0..=3 counting the most significant as 0)."]
    #[inline]
    pub fn version(&self) -> u8 {
        ::lake::__private::bits_get(&self.ver_ihl, 4u32, 4u32) as u8
    }
    #[doc = "Writes the 4-bit sub-field `version` of `ver_ihl`; bits of the value above the width are ignored."]
    #[inline]
    pub fn set_version(&mut self, value: u8) {
        ::lake::__private::bits_set(&mut self.ver_ihl, 4u32, 4u32, value as u64)
    }
    #[doc = "Reads the 4-bit sub-field `ihl` of `ver_ihl` (bits 4..=7 counting the most significant as 0)."]
    #[inline]
    pub fn ihl(&self) -> u8 {
        ::lake::__private::bits_get(&self.ver_ihl, 0u32, 4u32) as u8
    }
    #[doc = "Writes the 4-bit sub-field `ihl` of `ver_ihl`; bits of the value above the width are ignored."]
    #[inline]
    pub fn set_ihl(&mut self, value: u8) {
        ::lake::__private::bits_set(&mut self.ver_ihl, 0u32, 4u32, value as u64)
    }
    #[doc = "Reads `tos` (converted to the native integer type where it has a byte order)."]
    #[inline]
    pub fn tos(&self) -> u8 {
        self.tos
    }
    #[doc = "Writes `tos`."]
    #[inline]
    pub fn set_tos(&mut self, value: u8) {
        self.tos = value;
    }
    #[doc = "Reads `total_len` (converted to the native integer type where it has a byte order)."]
    #[inline]
    pub fn total_len(&self) -> u16 {
        self.total_len.get()
    }
    #[doc = "Reads `rest` (converted to the native integer type where it has a byte order)."]
    #[inline]
    pub fn rest(&self) -> &[u8; 16] {
        &self.rest
    }
    #[doc = "Writes `rest`."]
    #[inline]
    pub fn set_rest(&mut self, value: [u8; 16]) {
        self.rest = value;
    }
    #[doc = "Mutable access to `rest`."]
    #[inline]
    pub fn rest_mut(&mut self) -> &mut [u8; 16] {
        &mut self.rest
    }
    #[doc = "Parses a [`Ipv4`] at the start of `buf`: returns a zero-copy view of it (header, options, payload) and the bytes after it.\n\nGenerated by `#[lake::packet]`; see `lake::wire::View::parse`."]
    #[inline]
    pub fn parse(
        buf: &[u8],
    ) -> ::lake::__private::core::result::Result<
        (::lake::wire::View<'_, Self>, &[u8]),
        ::lake::wire::Error,
    > {
        ::lake::wire::View::parse(buf)
    }
    #[doc = "Parses a [`Ipv4`] at the start of `buf` for editing; returns the mutable view and the bytes after it."]
    #[inline]
    pub fn parse_mut(
        buf: &mut [u8],
    ) -> ::lake::__private::core::result::Result<
        (::lake::wire::ViewMut<'_, Self>, &mut [u8]),
        ::lake::wire::Error,
    > {
        ::lake::wire::ViewMut::parse_mut(buf)
    }
    #[doc = "Allocates a zeroed [`Ipv4`] with a `payload_len`-byte payload in `lake` and stamps its length and constant fields; set the rest, then call `finish()`."]
    #[inline]
    pub fn new_in(
        lake: &::lake::Lake,
        payload_len: usize,
    ) -> ::lake::__private::core::result::Result<::lake::wire::ViewMut<'_, Self>, ::lake::wire::Error>
    {
        ::lake::Lake::packet::<Self>(lake, payload_len)
    }
}
