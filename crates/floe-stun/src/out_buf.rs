//! Where [`MessageBuilder`](crate::MessageBuilder) writes: a caller's growable `Vec<u8>` (the
//! message is appended after what it holds) or a caller's fixed `&mut [u8]` (the message starts
//! at its first byte; writing past its end is an error, never a panic).

use alloc::vec::Vec;

/// A builder's output buffer.
#[derive(Debug)]
pub(crate) enum OutBuf<'b> {
    /// Appends to a vector, which grows as needed.
    Vec(&'b mut Vec<u8>),
    /// Writes into a slice: `len` bytes of it are used.
    Slice { buf: &'b mut [u8], len: usize },
}

impl<'b> OutBuf<'b> {
    /// Bytes written so far (for a vector, including what it held before).
    #[inline]
    pub(crate) fn len(&self) -> usize {
        match self {
            Self::Vec(v) => v.len(),
            Self::Slice { len, .. } => *len,
        }
    }

    /// The slice's size: how far a slice may be written (`usize::MAX` for a vector).
    pub(crate) fn capacity(&self) -> usize {
        match self {
            Self::Vec(_) => usize::MAX,
            Self::Slice { buf, .. } => buf.len(),
        }
    }

    /// Appends `bytes`; `false` (nothing written) when a slice has no room for them.
    #[inline]
    pub(crate) fn extend(&mut self, bytes: &[u8]) -> bool {
        match self {
            Self::Vec(v) => {
                v.extend_from_slice(bytes);
                true
            }
            Self::Slice { buf, len } => {
                let Some(out) = buf.get_mut(*len..*len + bytes.len()) else {
                    return false;
                };
                out.copy_from_slice(bytes);
                *len += bytes.len();
                true
            }
        }
    }

    /// Appends `n` copies of `byte`; `false` (nothing written) when a slice has no room.
    #[inline]
    pub(crate) fn fill(&mut self, n: usize, byte: u8) -> bool {
        match self {
            Self::Vec(v) => {
                v.resize(v.len() + n, byte);
                true
            }
            Self::Slice { buf, len } => {
                let Some(out) = buf.get_mut(*len..*len + n) else {
                    return false;
                };
                out.fill(byte);
                *len += n;
                true
            }
        }
    }

    /// Everything written so far.
    #[inline]
    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            Self::Vec(v) => v,
            Self::Slice { buf, len } => &buf[..*len],
        }
    }

    /// Everything written so far, to patch in place.
    #[inline]
    pub(crate) fn bytes_mut(&mut self) -> &mut [u8] {
        match self {
            Self::Vec(v) => v,
            Self::Slice { buf, len } => &mut buf[..*len],
        }
    }

    /// The bytes from `start` on, for the buffer's whole lifetime.
    pub(crate) fn into_tail(self, start: usize) -> &'b [u8] {
        match self {
            Self::Vec(v) => &v[start..],
            Self::Slice { buf, len } => &buf[start..len],
        }
    }
}
