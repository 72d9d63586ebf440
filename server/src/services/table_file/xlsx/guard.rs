//! Guards under the XML parser of an XLSX part: the bytes inflated so far (all parts together)
//! stay under the limit, and no piece of markup or text grows past a bound, so the parser never
//! buffers more than that for one event. Comments, CDATA and DTDs — which Excel never writes and
//! whose length the bound could not follow — are refused.

use std::io::{self, Read};

use super::super::limits::Limit;

/// What the guard saw: inflated bytes so far, and the limit a part broke.
#[derive(Debug, Default)]
pub(super) struct Inflated {
    /// Bytes inflated by every part read so far.
    pub(super) used: u64,
    /// Set when a read failed on a limit (the parser only sees an I/O error).
    pub(super) breach: Option<Limit>,
    /// Set when the part holds markup that is refused.
    pub(super) refused_markup: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lex {
    Text,
    Open,
    Tag { quote: Option<u8> },
}

/// Reads a part, counting and checking every byte.
pub(super) struct Guard<'a, R> {
    inner: R,
    seen: &'a mut Inflated,
    max_inflated: u64,
    max_run: usize,
    lex: Lex,
    run: usize,
    offset: u64,
}

impl<'a, R: Read> Guard<'a, R> {
    pub(super) fn new(inner: R, seen: &'a mut Inflated, max_inflated: u64, max_run: usize) -> Self {
        Self {
            inner,
            seen,
            max_inflated,
            max_run,
            lex: Lex::Text,
            run: 0,
            offset: 0,
        }
    }

    fn stop(&mut self, limit: Option<Limit>) -> io::Error {
        match limit {
            Some(limit) => self.seen.breach = Some(limit),
            None => self.seen.refused_markup = true,
        }
        io::Error::other("the part broke a limit")
    }
}

impl<R: Read> Read for Guard<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.seen.used += n as u64;
        if self.seen.used > self.max_inflated {
            return Err(self.stop(Some(Limit::InflatedBytes)));
        }
        for &b in &buf[..n] {
            self.lex = match self.lex {
                Lex::Text if b == b'<' => {
                    self.run = 0;
                    Lex::Open
                }
                Lex::Text => Lex::Text,
                // `<!` opens a comment, CDATA or a DTD; `<?` is allowed only as the XML
                // declaration at the very start (after a possible BOM).
                Lex::Open if b == b'!' || (b == b'?' && self.offset > 4) => {
                    return Err(self.stop(None));
                }
                Lex::Open | Lex::Tag { quote: None } if b == b'>' => {
                    self.run = 0;
                    Lex::Text
                }
                Lex::Open | Lex::Tag { quote: None } if b == b'"' || b == b'\'' => {
                    Lex::Tag { quote: Some(b) }
                }
                Lex::Tag { quote: Some(q) } if b == q => Lex::Tag { quote: None },
                Lex::Open => Lex::Tag { quote: None },
                tag @ Lex::Tag { .. } => tag,
            };
            self.run += 1;
            self.offset += 1;
            if self.run > self.max_run {
                return Err(self.stop(Some(Limit::CellBytes)));
            }
        }
        Ok(n)
    }
}

/// How many entries the archive's central directory lists, read from its end record (ZIP64
/// included) before the ZIP reader holds an entry for each.
pub(super) fn declared_entries<R: Read + io::Seek>(source: &mut R) -> io::Result<Option<u64>> {
    use io::SeekFrom;
    let len = source.seek(SeekFrom::End(0))?;
    let tail_len = len.min(22 + 65_535);
    source.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = vec![0u8; usize::try_from(tail_len).map_err(io::Error::other)?];
    source.read_exact(&mut tail)?;
    source.seek(SeekFrom::Start(0))?;
    let Some(at) = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..].starts_with(b"PK\x05\x06"))
    else {
        return Ok(None);
    };
    let entries = u16::from_le_bytes([tail[at + 10], tail[at + 11]]);
    if entries != u16::MAX {
        return Ok(Some(u64::from(entries)));
    }
    // ZIP64: the locator sits just before the end record and points to the ZIP64 end record.
    let Some(locator) = at.checked_sub(20) else {
        return Ok(None);
    };
    if !tail[locator..].starts_with(b"PK\x06\x07") {
        return Ok(None);
    }
    let mut offset = [0u8; 8];
    offset.copy_from_slice(&tail[locator + 8..locator + 16]);
    source.seek(SeekFrom::Start(u64::from_le_bytes(offset)))?;
    let mut record = [0u8; 56];
    source.read_exact(&mut record)?;
    source.seek(SeekFrom::Start(0))?;
    if !record.starts_with(b"PK\x06\x06") {
        return Ok(None);
    }
    let mut count = [0u8; 8];
    count.copy_from_slice(&record[32..40]);
    Ok(Some(u64::from_le_bytes(count)))
}
