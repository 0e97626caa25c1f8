//! The standard library's methods and free functions, by name: the checker gives
//! each a signature (`ferry_compiler::types::methods`), a compiled call names one
//! (`Meta::methods`), and the runtime dispatches on it (`ferry_runtime::methods`).
//! Tests on both sides check that they cover exactly this list.

macro_rules! methods {
    ($($variant:ident = $name:literal,)*) => {
        /// Every method and free function a program may call.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Method { $($variant,)* }

        impl Method {
            /// Every method, in declaration order.
            pub const ALL: &'static [Method] = &[$(Method::$variant,)*];

            pub fn parse(name: &str) -> Option<Method> {
                match name {
                    $($name => Some(Method::$variant),)*
                    _ => None,
                }
            }

            /// Whether the first argument is a function (a closure word, not a value).
            pub fn takes_function(self) -> bool {
                use Method::*;
                matches!(
                    self,
                    Map | Filter | Find | Any | All | FlatMap | SortBy | GroupBy | UniqueBy
                )
            }

            pub fn name(self) -> &'static str {
                match self {
                    $(Method::$variant => $name,)*
                }
            }
        }
    };
}

methods! {
    Len = "len", Upper = "upper", Lower = "lower", Trim = "trim", Split = "split",
    Contains = "contains", StartsWith = "starts_with", EndsWith = "ends_with", Replace = "replace",
    Slice = "slice", ToInt = "to_int", ToFloat = "to_float", ToDate = "to_date",
    Date = "date", Year = "year", Month = "month", Day = "day", AddDays = "add_days", Format = "format",
    ToString = "to_string", Round = "round", Floor = "floor", Ceil = "ceil", Abs = "abs",
    Min = "min", Max = "max", Div = "div",
    Map = "map", Filter = "filter", Find = "find", Any = "any", All = "all", First = "first",
    Last = "last", FlatMap = "flat_map", SortBy = "sort_by", GroupBy = "group_by",
    Enumerate = "enumerate", Take = "take", Skip = "skip", Chunk = "chunk", UniqueBy = "unique_by",
    Sum = "sum", Join = "join",
    Keys = "keys", Values = "values", Entries = "entries", Get = "get", Has = "has",
    Now = "now", Today = "today", Uuid = "uuid", JsonParse = "json_parse",
    JsonString = "json_string", CsvParse = "csv_parse", Env = "env",
}

#[cfg(test)]
mod tests {
    use super::Method;

    #[test]
    fn names_round_trip() {
        for &m in Method::ALL {
            assert_eq!(Method::parse(m.name()), Some(m));
        }
        assert_eq!(Method::parse("nope"), None);
    }
}
