//! CSV, in UTF-8 (with or without BOM) or Shift_JIS, read record by record with `csv-core` into
//! buffers that grow only up to the limits: a cell past its size or a row past its width is
//! refused before it is held. Rows are numbered as an editor numbers lines.

use std::io::Read;

use csv_core::{ReadRecordResult, Reader};

use super::limits::{Budget, Limit, TableLimits, breach};
use super::{Row, invalid};
use crate::services::ServiceError;

/// Decodes the raw bytes to UTF-8 chunk by chunk.
enum Decode {
    Utf8,
    /// Shift_JIS (CP932); `finished` once the final flush was made (the decoder must not be used
    /// after that).
    ShiftJis {
        decoder: encoding_rs::Decoder,
        finished: bool,
    },
}

struct Source<R> {
    inner: R,
    decode: Decode,
    raw: Vec<u8>,
}

impl<R: Read> Source<R> {
    /// Replaces `out` with the next UTF-8 bytes; `false` at the end of the file.
    fn next(&mut self, out: &mut Vec<u8>) -> Result<bool, ServiceError> {
        let n = self.inner.read(&mut self.raw).map_err(|e| unreadable(&e))?;
        out.clear();
        match &mut self.decode {
            Decode::Utf8 => {
                out.extend_from_slice(&self.raw[..n]);
                Ok(n > 0)
            }
            Decode::ShiftJis { decoder, finished } => {
                if *finished {
                    return Ok(false);
                }
                let last = n == 0;
                let room = decoder
                    .max_utf8_buffer_length(n)
                    .ok_or_else(|| ServiceError::Internal("Shift_JIS buffer overflow".into()))?;
                out.resize(room, 0);
                let (_, _, written, _) = decoder.decode_to_utf8(&self.raw[..n], out, last);
                out.truncate(written);
                *finished = last;
                Ok(!last || written > 0)
            }
        }
    }
}

fn unreadable(e: &std::io::Error) -> ServiceError {
    ServiceError::Internal(format!("Failed to read the uploaded file: {e}"))
}

/// Reads every record and calls `on_row` with its line number and cells until it says stop.
pub(super) fn read<R: Read>(
    inner: R,
    shift_jis: bool,
    budget: &mut Budget<'_>,
    on_row: &mut dyn FnMut(usize, &Row<'_>) -> Result<bool, ServiceError>,
) -> Result<(), ServiceError> {
    let limits = budget.limits();
    let mut source = Source {
        inner,
        decode: if shift_jis {
            Decode::ShiftJis {
                decoder: encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling(),
                finished: false,
            }
        } else {
            Decode::Utf8
        },
        raw: vec![0; 64 * 1024],
    };
    // A row's unescaped text may reach every column at its full size, no further.
    let max_output = limits
        .max_columns
        .saturating_mul(limits.max_cell_bytes)
        .max(1);
    let mut reader = Reader::new();
    let mut input: Vec<u8> = Vec::with_capacity(64 * 1024);
    let (mut pos, mut eof) = (0usize, false);
    let mut output = vec![0u8; max_output.min(64 * 1024)];
    let mut ends = vec![0usize; limits.max_columns.clamp(1, 64)];
    let (mut outlen, mut endlen) = (0usize, 0usize);
    let mut line = 1usize;
    let mut start: Option<usize> = None;
    loop {
        if pos == input.len() && !eof {
            eof = !source.next(&mut input)?;
            pos = 0;
            budget.tick(start)?;
        }
        if start.is_none() {
            // Blank lines before a record are skipped (as the parser would), counting them.
            while let Some(&b) = input.get(pos) {
                if b == b'\n' {
                    line += 1;
                } else if b != b'\r' {
                    break;
                }
                pos += 1;
            }
            if pos == input.len() && !eof {
                continue;
            }
            start = Some(line);
        }
        let row = start.unwrap_or(line);
        let chunk = &input[pos..];
        let (result, nin, nout, nend) =
            reader.read_record(chunk, &mut output[outlen..], &mut ends[endlen..]);
        line += line_breaks(&chunk[..nin]);
        pos += nin;
        outlen += nout;
        endlen += nend;
        match result {
            ReadRecordResult::InputEmpty => {}
            ReadRecordResult::OutputFull => {
                let last_end = endlen.checked_sub(1).map_or(0, |i| ends[i]);
                grow(&mut output, max_output, outlen - last_end, limits, row)?;
            }
            ReadRecordResult::OutputEndsFull => {
                if ends.len() >= limits.max_columns {
                    return Err(breach(limits, Limit::Columns, Some(row), ""));
                }
                let grown = ends.len().saturating_mul(2).min(limits.max_columns);
                ends.resize(grown, 0);
            }
            ReadRecordResult::Record => {
                let fields = &ends[..endlen];
                let text = checked(&output[..outlen], fields, limits, row)?;
                budget.row(row)?;
                if !on_row(row, &Row { text, ends: fields })? {
                    return Ok(());
                }
                outlen = 0;
                endlen = 0;
                start = None;
            }
            ReadRecordResult::End => return Ok(()),
        }
    }
}

#[expect(
    clippy::naive_bytecount,
    reason = "a chunk of at most 64 KiB; not worth a crate"
)]
fn line_breaks(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| **b == b'\n').count()
}

/// Doubles the record buffer up to `max_output`; a record past it is refused, naming the cell
/// size when the cell being read (`current` bytes so far) is the one too long, else the width.
fn grow(
    output: &mut Vec<u8>,
    max_output: usize,
    current: usize,
    limits: &TableLimits,
    row: usize,
) -> Result<(), ServiceError> {
    if output.len() >= max_output {
        let limit = if current >= limits.max_cell_bytes {
            Limit::CellBytes
        } else {
            Limit::Columns
        };
        return Err(breach(limits, limit, Some(row), ""));
    }
    let grown = output.len().saturating_mul(2).min(max_output);
    output.resize(grown, 0);
    Ok(())
}

/// The record's text once every cell is within the size limit, the bytes are UTF-8 and hold no
/// NUL character.
fn checked<'a>(
    bytes: &'a [u8],
    ends: &[usize],
    limits: &TableLimits,
    row: usize,
) -> Result<&'a str, ServiceError> {
    let mut from = 0;
    for &end in ends {
        if end - from > limits.max_cell_bytes {
            return Err(breach(limits, Limit::CellBytes, Some(row), ""));
        }
        from = end;
    }
    let text = std::str::from_utf8(bytes).map_err(|_| {
        invalid(
            "encoding",
            "文字コードが UTF-8 として正しくありません（UTF-8 か Shift_JIS で保存してください）",
            Some(row),
        )
    })?;
    if text.contains('\0') {
        return Err(invalid("format", "NUL 文字を含む行は読めません", Some(row)));
    }
    Ok(text)
}
