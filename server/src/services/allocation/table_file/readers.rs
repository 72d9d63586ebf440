//! Byte readers under the CSV parser: skipping a UTF-8 byte order mark, decoding Shift_JIS while
//! reading, and noting line breaks so rows are numbered as an editor numbers lines.

use std::io::{self, Read};

/// Line breaks seen so far, to number rows as an editor does (blank lines included), which the
/// CSV reader's own count does not: the offsets of breaks not yet passed by the reader's records
/// (bounded by its read-ahead buffer) and how many breaks lie before them.
#[derive(Debug, Clone, Default)]
pub(super) struct LineBreaks(std::rc::Rc<std::cell::RefCell<LineState>>);

#[derive(Debug, Default)]
struct LineState {
    pending: std::collections::VecDeque<u64>,
    passed: usize,
    offset: u64,
}

impl LineBreaks {
    /// The 1-based line on which the byte at `offset` lies.
    pub(super) fn line_at(&self, offset: u64) -> usize {
        let mut state = self.0.borrow_mut();
        while state.pending.front().is_some_and(|b| *b < offset) {
            state.pending.pop_front();
            state.passed += 1;
        }
        state.passed + 1
    }
}

/// Notes the offset of every line break that passes through.
pub(super) struct CountLines<R> {
    pub(super) inner: R,
    pub(super) lines: LineBreaks,
}

impl<R: Read> Read for CountLines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut state = self.lines.0.borrow_mut();
        let start = state.offset;
        for (i, byte) in buf[..n].iter().enumerate() {
            if *byte == b'\n' {
                state.pending.push_back(start + i as u64);
            }
        }
        state.offset += n as u64;
        Ok(n)
    }
}

/// Skips a leading UTF-8 byte order mark.
pub(super) struct SkipBom<R> {
    inner: R,
    checked: bool,
}

impl<R: Read> SkipBom<R> {
    pub(super) fn new(inner: R) -> Self {
        Self {
            inner,
            checked: false,
        }
    }
}

impl<R: Read> Read for SkipBom<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.checked {
            return self.inner.read(buf);
        }
        self.checked = true;
        let mut head = [0u8; 3];
        let mut filled = 0;
        while filled < 3 {
            let n = self.inner.read(&mut head[filled..])?;
            if n == 0 {
                break;
            }
            filled += n;
        }
        let start = if head[..filled] == *b"\xEF\xBB\xBF" {
            3
        } else {
            0
        };
        let rest = &head[start..filled];
        if rest.is_empty() {
            // Only the mark so far: reading on (returning 0 would mean the end of the file).
            return self.inner.read(buf);
        }
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        if n < rest.len() {
            // A caller's buffer under 3 bytes: hand the remaining head bytes over one by one.
            return Err(io::Error::other("read buffer too small"));
        }
        Ok(n)
    }
}

/// Decodes Shift_JIS to UTF-8 while reading.
pub(super) struct ShiftJisReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
}

impl<R: Read> ShiftJisReader<R> {
    pub(super) fn new(inner: R) -> Self {
        Self {
            inner,
            decoder: encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling(),
            input: vec![0; 64 * 1024],
            start: 0,
            end: 0,
            eof: false,
        }
    }
}

impl<R: Read> Read for ShiftJisReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.start == self.end && !self.eof {
                self.start = 0;
                self.end = self.inner.read(&mut self.input)?;
                self.eof = self.end == 0;
            }
            let (_, read, written, _) =
                self.decoder
                    .decode_to_utf8(&self.input[self.start..self.end], buf, self.eof);
            self.start += read;
            if written > 0 || (self.eof && self.start == self.end) {
                return Ok(written);
            }
            if buf.len() < 4 {
                return Err(io::Error::other("read buffer too small"));
            }
        }
    }
}
