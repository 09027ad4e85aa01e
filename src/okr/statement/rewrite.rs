//! Writing a changed number back into a statement where the person wrote it.

/// `text` with the number that reads as `old` written as `new`: the last such number
/// for a target ("from 50% to 65%"), the first for a baseline. Digits only: units,
/// signs and words around it stay as written, and thousands separators are kept when
/// the old number had them. None when no number in the text reads as `old`.
pub fn renumber(text: &str, old: f64, new: f64, last: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut spans = vec![];
    let mut i = 0;
    while i < bytes.len() {
        let starts =
            bytes[i].is_ascii_digit() && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.'));
        if !starts {
            i += 1;
            continue;
        }
        let mut end = i;
        while end < bytes.len()
            && (bytes[end].is_ascii_digit()
                || (matches!(bytes[end], b',' | b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)))
        {
            end += 1;
        }
        let written = &text[i..end];
        if written.replace(',', "").parse::<f64>().is_ok_and(|v| (v - old).abs() <= 1e-9 * old.abs().max(1.0)) {
            spans.push((i, end, written.contains(',')));
        }
        i = end;
    }
    let (start, end, grouped) = if last { *spans.last()? } else { *spans.first()? };
    Some(format!("{}{}{}", &text[..start], write_number(new, grouped), &text[end..]))
}

/// A number as a person writes it: no trailing zeros, thousands grouped on request.
pub(super) fn write_number(value: f64, grouped: bool) -> String {
    let plain = format!("{value}");
    if !grouped {
        return plain;
    }
    let (whole, fraction) = plain.split_once('.').map_or((plain.as_str(), None), |(w, f)| (w, Some(f)));
    let (sign, digits) = whole.strip_prefix('-').map_or(("", whole), |d| ("-", d));
    let mut out = String::new();
    for (n, c) in digits.chars().enumerate() {
        if n > 0 && (digits.len() - n) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}{}", fraction.map(|f| format!(".{f}")).unwrap_or_default())
}
