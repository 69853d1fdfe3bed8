//! SQL mappings for the server side (the `diesel` feature, which only `platform` enables):
//! an enum stored as text is mapped once, here, through its `as_str` and `parse`.

/// `ToSql`/`FromSql` for `Text` columns from an enum's `as_str()` and `parse()`.
macro_rules! text_enum {
    ($t:ty) => {
        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $t {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                use std::io::Write;
                out.write_all(self.as_str().as_bytes())?;
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $t {
            fn from_sql(bytes: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                let text = std::str::from_utf8(bytes.as_bytes())?;
                <$t>::parse(text)
                    .ok_or_else(|| format!("unknown {} {text:?}", stringify!($t)).into())
            }
        }
    };
}

pub(crate) use text_enum;
