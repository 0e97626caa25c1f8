//! How generated code and the runtime call each other: the runtime functions that
//! generated code may call, with their signatures, and the layout of the `Ctx`
//! every call passes first. The compiler declares each import from this table
//! (a call that does not fit it is an internal error at compile time); the
//! runtime's `abi::signatures()` is compared with it by a test, and its `Ctx`
//! is checked against [`ctx`] with `offset_of!` when it is compiled.

/// The kind of one argument or result word of a runtime function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Word {
    /// An `i64`.
    Int,
    /// An `f64`.
    Float,
    /// A `u8`, 0 or 1 (generated code zero-extends its `i8`).
    Bool,
    /// A `*const Value`.
    Value,
    /// A `*const u64`: an array of argument words (a value, a closure, or a scalar).
    Words,
    /// A pointer to generated code.
    Code,
    /// A `*const Closure`.
    Closure,
}

impl Word {
    /// Whether the word is a pointer (every kind but the three scalars).
    pub fn is_pointer(self) -> bool {
        !matches!(self, Word::Int | Word::Float | Word::Bool)
    }
}

/// One runtime function: `name(ctx, params...) -> ret`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Function {
    pub name: &'static str,
    /// The parameters after the `ctx` every function takes first.
    pub params: &'static [Word],
    pub ret: Word,
}

const fn f(name: &'static str, params: &'static [Word], ret: Word) -> Function {
    Function { name, params, ret }
}

use Word::{Bool, Closure, Code, Float, Int, Value, Words};

/// Every runtime function generated code may call.
pub const FUNCTIONS: &[Function] = &[
    f("ferry_input", &[], Value),
    f("ferry_config", &[], Value),
    f("ferry_trigger", &[], Value),
    f("ferry_adaptor_config", &[Int], Value),
    f("ferry_set_global", &[Int, Value], Value),
    f("ferry_slots_init", &[Value, Int], Value),
    f("ferry_slots_drop", &[Value, Int], Value),
    f("ferry_set", &[Value, Value], Value),
    f("ferry_take", &[Value, Value], Value),
    f("ferry_copy", &[Value], Value),
    f("ferry_copy_kept", &[Value], Value),
    f("ferry_mark", &[], Int),
    f("ferry_release", &[Int], Value),
    f("ferry_append", &[Value, Value], Value),
    f("ferry_update", &[Value, Value, Value], Value),
    f("ferry_box_int", &[Int], Value),
    f("ferry_box_float", &[Float], Value),
    f("ferry_box_bool", &[Bool], Value),
    f("ferry_unbox_int", &[Value], Int),
    f("ferry_unbox_float", &[Value], Float),
    f("ferry_unbox_bool", &[Value], Bool),
    f("ferry_is_null", &[Value], Bool),
    f("ferry_overflow", &[Int, Int, Int], Value),
    f("ferry_int_rem", &[Int, Int], Int),
    f("ferry_float_div", &[Float, Float], Float),
    f("ferry_eq", &[Value, Value], Bool),
    f("ferry_cmp", &[Value, Value], Int),
    f("ferry_text", &[Int, Words], Value),
    f("ferry_list", &[Int, Words], Value),
    f("ferry_record", &[Int, Words], Value),
    f("ferry_object_new", &[], Value),
    f("ferry_object_set", &[Value, Value, Value], Value),
    f("ferry_object_spread", &[Value, Value], Value),
    f("ferry_omit_null", &[Value], Value),
    f("ferry_concat", &[Value, Value], Value),
    f("ferry_field", &[Value, Int, Int, Int], Value),
    f("ferry_get", &[Value, Int], Value),
    f("ferry_index", &[Value, Value], Value),
    f("ferry_as", &[Value, Int], Value),
    f("ferry_method", &[Int, Value, Int, Words], Value),
    f("ferry_len", &[Value], Int),
    f("ferry_list_get", &[Value, Int], Value),
    f("ferry_pair", &[Value, Int], Value),
    f("ferry_closure", &[Code, Int, Words], Closure),
    f("ferry_log", &[Int, Value], Value),
    f("ferry_output", &[Value], Value),
    f("ferry_stream_begin", &[], Value),
    f("ferry_stream_open", &[Int], Value),
    f("ferry_stream_key", &[Value], Value),
    f("ferry_stream_field", &[Value, Value], Value),
    f("ferry_stream_item", &[Value], Value),
    f("ferry_stream_close", &[], Value),
    f("ferry_stream_end", &[], Value),
    f("ferry_skip", &[Value], Value),
    f("ferry_fail", &[Value, Int], Value),
    f("ferry_no_match", &[Int], Value),
    f("ferry_too_deep", &[], Value),
    f("ferry_catch", &[], Value),
    f("ferry_http", &[Int, Value, Value, Value], Value),
    f("ferry_http_next", &[Int, Value, Value, Value], Value),
    f("ferry_op_result", &[Int, Value], Value),
    f("ferry_append_page", &[Value, Value], Value),
    f(
        "ferry_page_next",
        &[Int, Int, Value, Value, Value, Value, Value, Value, Int],
        Value,
    ),
    f("ferry_op", &[Int, Int, Words], Value),
    // `ferry test` only (a program compiled in test mode).
    f("ferry_test_index", &[], Int),
    f("ferry_test_mock", &[Int, Closure, Int], Value),
    f("ferry_test_op", &[Int, Int, Words], Value),
    f("ferry_test_run", &[Closure, Value, Value], Value),
    f("ferry_test_expect", &[Bool, Int], Value),
    f("ferry_test_expect_eq", &[Value, Value, Int], Value),
    f("ferry_test_set_time", &[Value], Value),
    f("ferry_test_fixture", &[Value, Int], Value),
    f("ferry_test_calls", &[Int], Value),
    f(
        "ferry_test_expect_fixture",
        &[Value, Value, Int, Int],
        Value,
    ),
    f("ferry_test_logs", &[], Value),
    f("ferry_test_http_error", &[Int, Value], Value),
];

/// The runtime functions whose `Value` result is always a new temporary that
/// nothing else points to (or the shared `null`): generated code may move it
/// into a variable's slot (`ferry_take`) instead of copying it. The others may
/// give back a part of an argument (`ferry_field`, `ferry_list_get`), the run's
/// `input`, or a shared `true`/`false`.
pub const FRESH: &[&str] = &[
    "ferry_box_int",
    "ferry_box_float",
    "ferry_text",
    "ferry_list",
    "ferry_record",
    "ferry_object_new",
    "ferry_concat",
    "ferry_index",
    "ferry_as",
    "ferry_method",
    "ferry_copy",
    "ferry_http",
    "ferry_http_next",
    "ferry_op_result",
    "ferry_op",
    "ferry_test_op",
    "ferry_test_run",
    "ferry_test_fixture",
    "ferry_test_calls",
    "ferry_test_logs",
];

/// The size of a runtime `Value`: a function's frame holds its variables'
/// values in slots of this size (the runtime asserts it).
pub const VALUE_SIZE: u32 = 24;

/// The runtime function called `name`.
pub fn function(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

/// Byte offsets of the fields of the runtime's `Ctx` (`#[repr(C)]`) that
/// generated code reads and writes.
pub mod ctx {
    /// `failed: u32`: nonzero when an error is pending.
    pub const FAILED: i32 = 0;
    /// `loc: u32`: the location of the operation being run.
    pub const LOC: i32 = 4;
    /// `constants: *const *const Value`.
    pub const CONSTANTS: i32 = 8;
    /// `globals: *mut *const Value`.
    pub const GLOBALS: i32 = 16;
    /// `stack_limit: usize`: the lowest stack address generated code may reach;
    /// each function's prologue compares its stack pointer with it.
    pub const STACK_LIMIT: i32 = 32;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique() {
        let names: HashSet<_> = FUNCTIONS.iter().map(|f| f.name).collect();
        assert_eq!(names.len(), FUNCTIONS.len());
    }

    #[test]
    fn fresh_functions_exist_and_give_values() {
        for name in FRESH {
            assert_eq!(function(name).map(|f| f.ret), Some(Word::Value), "{name}");
        }
    }
}
