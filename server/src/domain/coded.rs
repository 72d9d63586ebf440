//! Coded values: enums whose every value has a stable code (what the database stores, the API
//! exchanges and the ministry's files print) and a Japanese label. [`coded_enum!`] is the one
//! way to declare them; `db::codes` reads and writes every [`Coded`] type as its code.

/// A value with a stable code, read back from exactly that code.
pub trait Coded: Copy + Sized + 'static {
    /// The type's name, for messages about a value that is not one of its codes.
    const TYPE_NAME: &'static str;

    /// The stable code.
    fn code(self) -> &'static str;

    /// The value whose code is `code` (surrounding blanks ignored); `None` for anything else.
    fn from_code(code: &str) -> Option<Self>;
}

/// Declares a coded enum: `Variant = "code", "label";` per value, in display order.
///
/// Gives `ALL`, `code()`, `label_ja()`, `from_code()` (exactly a code), `Display` as the label,
/// and [`Coded`]. Given the field's Japanese name (`Name, "⑫出荷対応の状況", { … }`), also
/// `parse()` for what people type: the code, the label or both as in `2.限定出荷…`, full- or
/// half-width, the error naming the field. A type that reads input its own way leaves the name out.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident, $field_ja:literal, { $($variant:ident = $code:literal, $label:literal;)+ }) => {
        $crate::domain::coded::coded_enum!($(#[$meta])* $name { $($variant = $code, $label;)+ });

        impl $name {
            /// Reads a code (`2`), a label (`限定出荷（自社の事情）`) or both (`2.限定出荷…`),
            /// full- or half-width.
            pub fn parse(input: &str) -> Result<Self, $crate::domain::validation::FieldError> {
                use $crate::domain::validation::normalize_width;
                let text = normalize_width(input);
                let text = text.trim_end_matches(".0");
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| {
                        // Labels compare in the same half-width form as the input: （） → ().
                        let label = normalize_width(v.label_ja());
                        text == v.code()
                            || text == label
                            || text
                                .strip_prefix(v.code())
                                .is_some_and(|rest| rest.trim_start_matches(['.', ':', ' ']) == label)
                    })
                    .ok_or_else(|| {
                        let allowed: Vec<String> = Self::ALL.iter().map(|v| format!("{} {}", v.code(), v.label_ja())).collect();
                        $crate::domain::validation::FieldError::new(
                            "code",
                            format!("{}「{}」は使えません（{}）", $field_ja, input.trim(), allowed.join("・")),
                        )
                    })
            }
        }
    };
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $(
                #[doc = $label]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stable code.
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code,)+ }
            }

            /// The Japanese label.
            pub fn label_ja(self) -> &'static str {
                match self { $(Self::$variant => $label,)+ }
            }

            /// The value whose code is `code` (surrounding blanks ignored); `None` for anything else.
            pub fn from_code(code: &str) -> Option<Self> {
                let code = code.trim();
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label_ja())
            }
        }

        impl $crate::domain::coded::Coded for $name {
            const TYPE_NAME: &'static str = stringify!($name);

            fn code(self) -> &'static str {
                $name::code(self)
            }

            fn from_code(code: &str) -> Option<Self> {
                $name::from_code(code)
            }
        }
    };
}

pub(crate) use coded_enum;

#[cfg(test)]
mod tests {
    use super::Coded;

    coded_enum!(
        /// A test code.
        Colour, "色", {
            Red = "r", "赤（あか）";
            Blue = "b", "青";
        }
    );

    #[test]
    fn a_value_reads_back_from_exactly_its_code() {
        for colour in Colour::ALL {
            assert_eq!(Colour::from_code(colour.code()), Some(*colour));
            assert_eq!(<Colour as Coded>::from_code(colour.code()), Some(*colour));
        }
        assert_eq!(Colour::from_code(" b "), Some(Colour::Blue));
        assert_eq!(Colour::from_code("青"), None, "a label is not a code");
        assert_eq!(Colour::from_code("R"), None);
    }

    #[test]
    fn typed_input_may_be_the_code_the_label_or_both() {
        assert_eq!(Colour::parse("ｒ"), Ok(Colour::Red));
        assert_eq!(Colour::parse("赤(あか)"), Ok(Colour::Red));
        assert_eq!(Colour::parse("b.青"), Ok(Colour::Blue));
        let error = Colour::parse("緑").expect_err("not a colour");
        assert_eq!(error.message, "色「緑」は使えません（r 赤（あか）・b 青）");
    }
}
