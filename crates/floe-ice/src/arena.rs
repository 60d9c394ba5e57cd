//! Transmit buffers carved out of one reusable allocation, so that answering a check or
//! sending application data allocates nothing in the steady state.

use bytes::{Bytes, BytesMut};

/// Copies outgoing datagrams into slices of a shared buffer. Each slice is a [`Bytes`] that
/// holds a reference to the buffer; once the embedder has dropped every transmit handed out,
/// the buffer is reused in place instead of a new one being allocated.
#[derive(Debug, Default)]
pub(crate) struct TransmitArena {
    buf: BytesMut,
}

impl TransmitArena {
    /// Smallest buffer allocated: three check responses (an idle agent keeps one).
    const CHUNK: usize = 256;

    /// `bytes` as a [`Bytes`] of their own.
    pub(crate) fn copy(&mut self, bytes: &[u8]) -> Bytes {
        if self.buf.capacity() < bytes.len() {
            // Reclaims the whole allocation when no earlier slice is alive, else allocates
            // a fresh one (the old one is freed with its last slice).
            self.buf.reserve(bytes.len().max(Self::CHUNK));
        }
        self.buf.extend_from_slice(bytes);
        self.buf.split().freeze()
    }
}

#[cfg(test)]
mod tests {
    use super::TransmitArena;

    #[test]
    fn slices_hold_their_bytes_and_the_buffer_is_reused_once_they_are_dropped() {
        let mut arena = TransmitArena::default();
        let a = arena.copy(b"first");
        let b = arena.copy(&[7; 100]);
        assert_eq!(&a[..], b"first");
        assert_eq!(&b[..], &[7; 100][..]);
        let first = a.as_ptr();
        drop((a, b));
        // Fill past the end: with nothing alive the same allocation comes back.
        let mut again = Vec::new();
        for i in 0..20u8 {
            let t = arena.copy(&[i; 64]);
            assert_eq!(&t[..], &[i; 64][..]);
            again.push(t.as_ptr());
        }
        assert!(again.contains(&first), "the buffer was not reused");
        // Larger than a chunk works too.
        let big = arena.copy(&[1; 5000]);
        assert_eq!(big.len(), 5000);
    }
}
