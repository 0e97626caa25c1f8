//! Every function generated code calls, and nothing else.
//!
//! All take the run's `Ctx` first. Values travel as `*const Value`: borrowed
//! for the call (a variable's slot, a temporary of the run's arena, a part of
//! either); a value given back is a temporary of the current region, or a part
//! of an argument (docs/internals/native-code.md, "Memory"); `Int`, `Float` and `Bool` unboxed as `i64`, `f64` and `u8`. A function
//! that fails records the error in the run, sets `ctx.failed`, and returns a
//! harmless value; the generated code checks `failed` after the call. No panic
//! crosses this boundary: each function catches its own and reports it as an
//! internal error (exit code 3).

use crate::error::RuntimeError;
use crate::json::{self, JsonStream};
use crate::methods::Method;
use crate::run::{Closure, Ctx, Output, Pending, Run};
use crate::value::{Object, Record, Str, Value};
use ferry_meta::abi::Word;
use std::panic::{AssertUnwindSafe, catch_unwind};

type V = *const Value;

/// # Safety
/// `ctx` is the context the runtime gave the generated code.
unsafe fn run<'a>(ctx: *mut Ctx) -> &'a mut Run {
    unsafe { &mut *(*ctx).run }
}

/// # Safety
/// `v` points into the run's arena (or into a value held there).
unsafe fn val<'a>(v: V) -> &'a Value {
    unsafe { &*v }
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// Runs `body`; a panic becomes an internal error of the run and `fallback`.
fn guard<T>(ctx: *mut Ctx, fallback: T, body: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(payload) => {
            let message = panic_message(payload);
            unsafe {
                let run = run(ctx);
                run.raise(&mut *ctx, Pending::Internal(message));
            }
            fallback
        }
    }
}

/// A result as a value pointer, or the error raised.
unsafe fn give(ctx: *mut Ctx, result: crate::error::Result<Value>) -> V {
    unsafe {
        let run = run(ctx);
        match result {
            Ok(value) => run.alloc(value),
            Err(error) => {
                let loc = (*ctx).loc;
                run.raise(&mut *ctx, Pending::Error(error, loc));
                run.null
            }
        }
    }
}

unsafe fn fail_with(ctx: *mut Ctx, message: String) {
    unsafe {
        let loc = (*ctx).loc;
        run(ctx).raise(
            &mut *ctx,
            Pending::Error(RuntimeError::runtime(message), loc),
        );
    }
}

/// Calls a function value with arguments; its failure is already pending.
pub(crate) unsafe fn call_closure(
    ctx: *mut Ctx,
    word: u64,
    args: &[&Value],
) -> crate::error::Result<Value> {
    unsafe {
        let closure = &*(word as *const Closure);
        // The call's temporaries die with it: its result is copied out first.
        let mark = run(ctx).mark();
        // A closure is `fn(ctx, env, params…) -> V`; mocks of ops take as many
        // parameters as the op (`commcare.list_forms` has 9).
        macro_rules! call {
            ($($i:literal)*) => {{
                let f: extern "C" fn(*mut Ctx, *const u64 $(, call!(@v $i))*) -> V =
                    std::mem::transmute(closure.function);
                f(ctx, closure.env $(, args[$i] as V)*)
            }};
            (@v $i:literal) => { V };
        }
        let result: V = match args.len() {
            0 => call!(),
            1 => call!(0),
            2 => call!(0 1),
            3 => call!(0 1 2),
            4 => call!(0 1 2 3),
            5 => call!(0 1 2 3 4),
            6 => call!(0 1 2 3 4 5),
            7 => call!(0 1 2 3 4 5 6),
            8 => call!(0 1 2 3 4 5 6 7),
            9 => call!(0 1 2 3 4 5 6 7 8),
            10 => call!(0 1 2 3 4 5 6 7 8 9),
            11 => call!(0 1 2 3 4 5 6 7 8 9 10),
            12 => call!(0 1 2 3 4 5 6 7 8 9 10 11),
            _ => {
                return Err(RuntimeError::runtime(
                    "a function of more than twelve arguments cannot be called here",
                ));
            }
        };
        if (*ctx).failed != 0 || result.is_null() {
            run(ctx).release(mark);
            // The failure is pending in the run; this error only unwinds the caller.
            return Err(RuntimeError::runtime("an error is pending"));
        }
        let value = (*result).clone();
        run(ctx).release(mark);
        Ok(value)
    }
}

/// The ABI word kind of a Rust type that crosses the boundary.
trait AbiWord {
    const WORD: Word;
}

macro_rules! abi_words {
    ($($ty:ty => $word:ident,)*) => {
        $(impl AbiWord for $ty {
            const WORD: Word = Word::$word;
        })*
    };
}

abi_words! {
    i64 => Int,
    f64 => Float,
    u8 => Bool,
    V => Value,
    *const u64 => Words,
    *const u8 => Code,
    *const Closure => Closure,
}

macro_rules! abi {
    ($(
        $(#[$doc:meta])*
        fn $name:ident($ctx:ident $(, $arg:ident: $ty:ty)*) -> $ret:ty = $fallback:expr; $body:block
    )*) => {
        $(
            $(#[$doc])*
            /// # Safety
            /// Called by generated code with the run's context and values of the run.
            #[unsafe(no_mangle)]
            pub unsafe extern "C" fn $name($ctx: *mut Ctx $(, $arg: $ty)*) -> $ret {
                guard($ctx, $fallback, || unsafe { $body })
            }
        )*

        /// The symbols generated code may call, for the JIT.
        pub fn symbols() -> Vec<(&'static str, *const u8)> {
            vec![$((stringify!($name), $name as *const u8),)*]
        }

        /// The signature of each function, from its Rust types: a test compares
        /// them with the compiler's table, `ferry_meta::abi::FUNCTIONS`.
        pub fn signatures() -> Vec<ferry_meta::abi::Function> {
            vec![$(ferry_meta::abi::Function {
                name: stringify!($name),
                params: &[$(<$ty as AbiWord>::WORD),*],
                ret: <$ret as AbiWord>::WORD,
            },)*]
        }
    };
}

abi! {
    /// `input`.
    fn ferry_input(ctx) -> V = unsafe { run(ctx).null }; { &run(ctx).input as V }
    /// `config`.
    fn ferry_config(ctx) -> V = unsafe { run(ctx).null }; { &run(ctx).config as V }
    /// `trigger`.
    fn ferry_trigger(ctx) -> V = unsafe { run(ctx).null }; { &run(ctx).trigger as V }
    /// `config` inside an adaptor: its own section.
    fn ferry_adaptor_config(ctx, adaptor: i64) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        run.adaptor_configs.get(adaptor as usize).map_or(run.null, |c| c as V)
    }
    fn ferry_set_global(ctx, index: i64, value: V) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        *(*ctx).globals.add(index as usize) = run.keep(owned(value));
        run.null
    }

    // Memory (docs/internals/native-code.md, "Memory"): a function's variables
    // own their values in `n` slots of its frame; temporaries live in regions.

    /// A frame's slots, all `null`, when the function starts.
    fn ferry_slots_init(ctx, slots: V, n: i64) -> V = unsafe { run(ctx).null }; {
        let slots = slots as *mut Value;
        for i in 0..n as usize {
            slots.add(i).write(Value::Null);
        }
        run(ctx).null
    }
    /// A frame's slots, dropped when the function returns: what only they held is freed.
    fn ferry_slots_drop(ctx, slots: V, n: i64) -> V = unsafe { run(ctx).null }; {
        let slots = slots as *mut Value;
        for i in 0..n as usize {
            std::ptr::drop_in_place(slots.add(i));
            slots.add(i).write(Value::Null);
        }
        run(ctx).null
    }
    /// `x = value`: the slot holds its own reference (the old value is dropped).
    fn ferry_set(ctx, slot: V, value: V) -> V = unsafe { run(ctx).null }; {
        if slot != value {
            *(slot as *mut Value) = owned(value);
        }
        run(ctx).null
    }
    /// `x = value` for a temporary that nothing else points to (the result of a
    /// function in `ferry_meta::abi::FRESH`): moved, not counted twice.
    fn ferry_take(ctx, slot: V, value: V) -> V = unsafe { run(ctx).null }; {
        if !value.is_null() && slot != value && value != run(ctx).null {
            *(slot as *mut Value) = std::mem::take(&mut *(value as *mut Value));
        } else {
            *(slot as *mut Value) = owned(value);
        }
        run(ctx).null
    }
    /// A copy of a value as a temporary of the current region (a function's
    /// result that may be one of its own variables; a closure's capture).
    fn ferry_copy(ctx, value: V) -> V = unsafe { run(ctx).null }; { run(ctx).alloc(owned(value)) }
    /// A copy of a value kept until the run ends (the captures of a closure
    /// that is kept in a variable).
    fn ferry_copy_kept(ctx, value: V) -> V = unsafe { run(ctx).null }; { run(ctx).keep(owned(value)) }
    /// The current region's start, as a word.
    fn ferry_mark(ctx) -> i64 = 0; { run(ctx).mark().to_word() }
    /// Ends a region: every temporary made since `mark` is dropped.
    fn ferry_release(ctx, mark: i64) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        run.release(crate::arena::Mark::from_word(mark));
        run.null
    }
    /// `x = x + tail` of texts or lists, in place when nothing else holds `x`'s
    /// text or list (amortised O(1) per element or byte appended).
    fn ferry_append(ctx, slot: V, tail: V) -> V = unsafe { run(ctx).null }; {
        let tail = owned(tail);
        let slot = &mut *(slot as *mut Value);
        match (slot, tail) {
            (Value::Str(head), Value::Str(tail)) => head.push_unique(tail.as_str()),
            (Value::List(head), Value::List(tail)) => crate::stdlib::list::extend_unique(head, &tail[..]),
            (x, y) => fail_with(ctx, format!("`+` does not join {} and {}", x.kind_name(), y.kind_name())),
        }
        run(ctx).null
    }
    /// `x = { ..x, key: value }`: the field set in place when nothing else holds
    /// `x`'s record (an object, or a field its shape lacks, is set by name).
    fn ferry_update(ctx, slot: V, key: V, value: V) -> V = unsafe { run(ctx).null }; {
        let value = owned(value);
        if let Value::Str(key) = val(key) {
            let key = key.clone();
            crate::value::update_field(&mut *(slot as *mut Value), key, value);
        }
        run(ctx).null
    }

    fn ferry_box_int(ctx, n: i64) -> V = unsafe { run(ctx).null }; { run(ctx).alloc(Value::Int(n)) }
    fn ferry_box_float(ctx, x: f64) -> V = unsafe { run(ctx).null }; { run(ctx).alloc(Value::Float(x)) }
    fn ferry_box_bool(ctx, b: u8) -> V = unsafe { run(ctx).null }; { run(ctx).bools[(b != 0) as usize] }
    fn ferry_unbox_int(ctx, v: V) -> i64 = 0; {
        match val(v) {
            Value::Int(n) => *n,
            Value::Float(x) if x.fract() == 0.0 && x.abs() < 9.2e18 => *x as i64,
            other => {
                fail_with(ctx, format!("expected an Int, found {}", other.kind_name()));
                0
            }
        }
    }
    fn ferry_unbox_float(ctx, v: V) -> f64 = 0.0; {
        match val(v) {
            Value::Float(x) => *x,
            Value::Int(n) => *n as f64,
            other => {
                fail_with(ctx, format!("expected a Float, found {}", other.kind_name()));
                0.0
            }
        }
    }
    fn ferry_unbox_bool(ctx, v: V) -> u8 = 0; {
        match val(v) {
            Value::Bool(b) => *b as u8,
            other => {
                fail_with(ctx, format!("expected a Bool, found {}", other.kind_name()));
                0
            }
        }
    }
    fn ferry_is_null(ctx, v: V) -> u8 = 1; { val(v).is_missing() as u8 }

    /// `a + b` etc. overflowed: an error naming the operation.
    fn ferry_overflow(ctx, a: i64, b: i64, op: i64) -> V = unsafe { run(ctx).null }; {
        fail_with(ctx, format!("integer overflow: {a} {} {b}", op as u8 as char));
        run(ctx).null
    }
    fn ferry_int_rem(ctx, a: i64, b: i64) -> i64 = 0; {
        match crate::stdlib::number::rem(a, b) {
            Ok(n) => n,
            Err(e) => {
                let loc = (*ctx).loc;
                run(ctx).raise(&mut *ctx, Pending::Error(e, loc));
                0
            }
        }
    }
    fn ferry_float_div(ctx, a: f64, b: f64) -> f64 = 0.0; {
        match crate::stdlib::number::divide(a, b) {
            Ok(x) => x,
            Err(e) => {
                let loc = (*ctx).loc;
                run(ctx).raise(&mut *ctx, Pending::Error(e, loc));
                0.0
            }
        }
    }
    fn ferry_eq(ctx, a: V, b: V) -> u8 = 0; { (val(a) == val(b)) as u8 }
    fn ferry_cmp(ctx, a: V, b: V) -> i64 = 0; {
        match crate::value::compare(val(a), val(b)) {
            Some(std::cmp::Ordering::Less) => -1,
            Some(std::cmp::Ordering::Equal) => 0,
            Some(std::cmp::Ordering::Greater) => 1,
            // Unordered (NaN): every comparison but `!=` is false.
            None => 2,
        }
    }

    /// `"a ${b} c"`: the parts' texts joined.
    fn ferry_text(ctx, n: i64, words: *const u64) -> V = unsafe { run(ctx).null }; {
        let mut out = String::new();
        for i in 0..n as usize {
            let v = val(*words.add(i) as V);
            match v {
                Value::Str(s) => out.push_str(s.as_str()),
                other => out.push_str(&json::to_text(other)),
            }
        }
        run(ctx).alloc(Value::Str(Str::from(out)))
    }
    fn ferry_list(ctx, n: i64, words: *const u64) -> V = unsafe { run(ctx).null }; {
        let items = (0..n as usize).map(|i| val(*words.add(i) as V).clone()).collect();
        run(ctx).alloc(Value::list(items))
    }
    fn ferry_record(ctx, shape: i64, words: *const u64) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        let shape = run.program.shapes[shape as usize];
        let slots = (0..shape.fields.len()).map(|i| val(*words.add(i) as V).clone()).collect();
        run.alloc(Value::record(Record::new(shape, slots, None)))
    }
    fn ferry_object_new(ctx) -> V = unsafe { run(ctx).null }; { run(ctx).alloc(Value::object(Object::new())) }
    fn ferry_object_set(ctx, object: V, key: V, value: V) -> V = unsafe { run(ctx).null }; {
        let object = &mut *(object as *mut Value);
        if let (Value::Object(o), Value::Str(k)) = (object, val(key)) {
            match val(value) {
                // `omit` after a spread leaves the spread's field out too.
                Value::Absent => { std::rc::Rc::make_mut(o).remove(k.as_str()); }
                v => { std::rc::Rc::make_mut(o).insert(k.clone(), v.clone()); }
            }
        }
        run(ctx).null
    }
    /// A record field's value, or absent (the field left out) when it is null.
    fn ferry_omit_null(ctx, value: V) -> V = unsafe { run(ctx).null }; {
        if val(value).is_missing() { run(ctx).absent } else { value }
    }
    fn ferry_object_spread(ctx, object: V, from: V) -> V = unsafe { run(ctx).null }; {
        let object = &mut *(object as *mut Value);
        if let Value::Object(o) = object {
            let o = std::rc::Rc::make_mut(o);
            match val(from) {
                Value::Record(r) => {
                    for (k, v) in r.members() {
                        o.insert(k, v);
                    }
                }
                Value::Object(other) => {
                    for (k, v) in other.iter() {
                        o.insert(k.clone(), v.clone());
                    }
                }
                _ => {}
            }
        }
        run(ctx).null
    }
    /// `+` of texts or lists.
    fn ferry_concat(ctx, a: V, b: V) -> V = unsafe { run(ctx).null }; {
        let result = match (val(a), val(b)) {
            (Value::Str(x), Value::Str(y)) => Ok(Value::Str(Str::from(format!("{}{}", x.as_str(), y.as_str())))),
            (Value::List(x), Value::List(y)) => Ok(crate::stdlib::list::concat(x, y)),
            (x, y) => Err(RuntimeError::runtime(format!("`+` does not join {} and {}", x.kind_name(), y.kind_name()))),
        };
        give(ctx, result)
    }

    /// `r.f` on a record of a known shape: by slot when the shape is the one
    /// expected, by name otherwise.
    fn ferry_field(ctx, target: V, shape: i64, slot: i64, key: i64) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        let value = val(target);
        if let Value::Record(r) = value
            && std::ptr::eq(r.shape, run.program.shapes[shape as usize])
        {
            let v = &r.slots[slot as usize];
            return if v.is_absent() { run.null } else { v as V };
        }
        field_by_name(ctx, value, key)
    }
    /// `x.f` on `Json`.
    fn ferry_get(ctx, target: V, key: i64) -> V = unsafe { run(ctx).null }; { field_by_name(ctx, val(target), key) }
    fn ferry_index(ctx, target: V, key: V) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        let result = match (val(target), val(key)) {
            (Value::List(xs), Value::Int(i)) => Ok(crate::stdlib::list::get(xs, *i)),
            (Value::Null | Value::Absent, _) => Ok(Value::Null),
            (container, Value::Str(k)) => match container {
                Value::Record(_) | Value::Object(_) => Ok(container.get_field(k.as_str()).map_or(Value::Null, |v| v.into_owned())),
                other => Err(RuntimeError::runtime(format!("cannot read key \"{}\" of {}", k.as_str(), other.kind_name()))),
            },
            (container, k) => Err(RuntimeError::runtime(format!("cannot index {} with {}", container.kind_name(), k.kind_name()))),
        };
        let _ = run;
        give(ctx, result)
    }
    /// `e as T`: checked against the type's descriptor.
    fn ferry_as(ctx, value: V, desc: i64) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        let result = json::convert(val(value), &run.program.descs[desc as usize]).map_err(RuntimeError::decode);
        give(ctx, result)
    }
    fn ferry_method(ctx, method: i64, receiver: V, n: i64, words: *const u64) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        let method: Method = run.program.methods[method as usize];
        let words: Vec<u64> = (0..n as usize).map(|i| *words.add(i)).collect();
        let args: Vec<&Value> = words
            .iter()
            .enumerate()
            .map(|(i, w)| if i == 0 && method.takes_function() { &Value::Null } else { val(*w as V) })
            .collect();
        let receiver = if receiver.is_null() { &Value::Null } else { val(receiver) };
        let mut call = |word: u64, args: &[&Value]| call_closure(ctx, word, args);
        let result = crate::methods::call(method, receiver, &args, &words, &mut call);
        give(ctx, result)
    }
    fn ferry_len(ctx, list: V) -> i64 = 0; {
        match val(list) {
            Value::List(xs) => xs.len() as i64,
            Value::Null | Value::Absent => 0,
            other => {
                fail_with(ctx, format!("a `for` goes over a list, not {}", other.kind_name()));
                0
            }
        }
    }
    fn ferry_list_get(ctx, list: V, index: i64) -> V = unsafe { run(ctx).null }; {
        match val(list) {
            Value::List(xs) => &xs[index as usize] as V,
            _ => run(ctx).null,
        }
    }
    /// The `k`th part of a pair (`for (a, b) in …`).
    fn ferry_pair(ctx, pair: V, k: i64) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        match val(pair) {
            Value::Record(r) => r.slots.get(k as usize).map_or(run.null, |v| v as V),
            Value::List(xs) => xs.get(k as usize).map_or(run.null, |v| v as V),
            other => {
                fail_with(ctx, format!("expected a pair, found {}", other.kind_name()));
                run.null
            }
        }
    }
    fn ferry_closure(ctx, function: *const u8, n: i64, words: *const u64) -> *const Closure = std::ptr::null(); {
        let env = std::slice::from_raw_parts(words, n as usize);
        run(ctx).closure(function, env)
    }

    fn ferry_log(ctx, level: i64, value: V) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        run.write_log(level == 1, val(value));
        run.null
    }
    fn ferry_output(ctx, value: V) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        run.output = Some(Output::Value(val(value).clone()));
        run.null
    }
    /// A streamed `output` (docs/internals/native-code.md): begins a new one,
    /// dropping any left unfinished by a failure.
    fn ferry_stream_begin(ctx) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        run.stream = Some(JsonStream::new());
        run.null
    }
    /// Opens a record (`list` 0) or a list of mapped elements (`list` 1), whose
    /// elements' values are released once each is written.
    fn ferry_stream_open(ctx, list: i64) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        let mark = (list != 0).then(|| run.mark());
        if let Some(stream) = &mut run.stream {
            stream.open(list != 0, mark);
        }
        run.null
    }
    fn ferry_stream_key(ctx, key: V) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        if let (Some(stream), Value::Str(key)) = (&mut run.stream, val(key)) {
            stream.key(key);
        }
        run.null
    }
    fn ferry_stream_field(ctx, key: V, value: V) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        if let (Some(stream), Value::Str(key)) = (&mut run.stream, val(key)) {
            stream.field(key, val(value));
        }
        run.null
    }
    /// One element of a streamed list: written, then every value made since the
    /// list was opened is released. Generated code holds no pointer to them: the
    /// element was computed by a function call whose result is used only here,
    /// and a function can neither assign an outer variable nor keep a function.
    fn ferry_stream_item(ctx, value: V) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        if let Some(stream) = &mut run.stream {
            stream.value(val(value));
            if let Some(mark) = stream.mark() {
                run.release(mark);
            }
        }
        run.null
    }
    fn ferry_stream_close(ctx) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        if let Some(stream) = &mut run.stream {
            stream.close();
        }
        run.null
    }
    /// The streamed output is complete: it is now the job's output.
    fn ferry_stream_end(ctx) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        if let Some(text) = run.stream.take().and_then(JsonStream::finish) {
            run.output = Some(Output::Json(text));
        }
        run.null
    }
    fn ferry_skip(ctx, reason: V) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        let reason = match val(reason) {
            Value::Null | Value::Absent => None,
            Value::Str(s) => Some(s.as_str().to_string()),
            other => Some(json::to_text(other)),
        };
        run.raise(&mut *ctx, Pending::Skip(reason));
        run.null
    }
    fn ferry_fail(ctx, reason: V, loc: i64) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        let message = match val(reason) {
            Value::Str(s) => s.as_str().to_string(),
            other => json::to_text(other),
        };
        run.raise(&mut *ctx, Pending::Fail(message, loc as u32));
        run.null
    }
    /// A function's prologue found the stack used up to `ctx.stack_limit`.
    fn ferry_too_deep(ctx) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        let loc = (*ctx).loc;
        run.raise(&mut *ctx, Pending::TooDeep(loc));
        run.null
    }
    fn ferry_no_match(ctx, loc: i64) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        run.raise(&mut *ctx, Pending::Error(RuntimeError::runtime("no `match` arm matches this value"), loc as u32));
        run.null
    }
    /// In `catch`: the pending error as the language's `Error`, or null when
    /// it cannot be caught (`fail`, `skip`, an internal error).
    fn ferry_catch(ctx) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        match run.pending.take() {
            Some(Pending::Error(error, _)) => {
                (*ctx).failed = 0;
                let error = error.redact(&run.redactor);
                run.alloc(error.to_value(run.error_shape))
            }
            other => {
                run.pending = other;
                std::ptr::null()
            }
        }
    }
    /// An HTTP-bound op's request, sent: the decoded response body.
    fn ferry_http(ctx, op: i64, request: V, base: V, auth: V) -> V = unsafe { run(ctx).null }; {
        let result = crate::ops::send(run(ctx), op as usize, val(request), val(base), val(auth));
        give(ctx, result)
    }
    /// The next page of a paged op.
    fn ferry_http_next(ctx, op: i64, url: V, base: V, auth: V) -> V = unsafe { run(ctx).null }; {
        let result = crate::ops::next_page(run(ctx), op as usize, val(url), val(base), val(auth));
        give(ctx, result)
    }
    /// After a page of a paged op: the next page's link or request, or null when
    /// that page was the last (`kind` a `paging::PageBy`; `acc` the items so
    /// far; `pages` how many pages were read).
    fn ferry_page_next(ctx, op: i64, kind: i64, param: V, request: V, items: V, next: V, total: V, acc: V, pages: i64) -> V = unsafe { run(ctx).null }; {
        let run = run(ctx);
        let meta = &run.program.ops[op as usize];
        let param = val(param);
        let read = match val(acc) {
            Value::List(items) => items.len(),
            _ => 0,
        };
        let page = crate::paging::Page {
            op: &meta.name,
            by: crate::paging::PageBy::from_code(kind).unwrap_or(crate::paging::PageBy::Link),
            param: param.as_str().unwrap_or(""),
            request: val(request),
            items: val(items),
            next: val(next),
            total: val(total),
            read,
            pages,
        };
        let result = crate::paging::next(&page);
        give(ctx, result)
    }
    /// An op's answer checked against its return type.
    fn ferry_op_result(ctx, op: i64, value: V) -> V = unsafe { run(ctx).null }; {
        let result = crate::ops::check_result(run(ctx), op as usize, val(value));
        give(ctx, result)
    }
    /// A page's `items` added, in place, to what the pages before gave (`acc`, a
    /// variable's slot).
    fn ferry_append_page(ctx, acc: V, items: V) -> V = unsafe { run(ctx).null }; {
        let items = owned(items);
        let acc = &mut *(acc as *mut Value);
        match (acc, items) {
            (Value::List(a), Value::List(b)) => crate::stdlib::list::extend_unique(a, &b[..]),
            (_, Value::Null | Value::Absent) => {}
            (_, other) => fail_with(ctx, format!("a page's items must be a list, not {}", other.kind_name())),
        }
        run(ctx).null
    }
    /// A call of a native op.
    fn ferry_op(ctx, op: i64, n: i64, words: *const u64) -> V = unsafe { run(ctx).null }; {
        let args: Vec<Value> = (0..n as usize).map(|i| val(*words.add(i) as V).clone()).collect();
        let result = crate::ops::call(run(ctx), op as usize, args);
        give(ctx, result)
    }

    // `ferry test` (runtime/src/testing): a program compiled in test mode.
    /// Which `test` block the test-mode main body runs.
    fn ferry_test_index(ctx) -> i64 = -1; { crate::testing::index(run(ctx)) }
    /// `mock OP = f`: `f` takes `params` parameters.
    fn ferry_test_mock(ctx, op: i64, closure: *const Closure, params: i64) -> V = unsafe { run(ctx).null }; {
        crate::testing::mock(run(ctx), op as usize, closure, params as usize);
        run(ctx).null
    }
    /// An op call in a test: its mock's answer, never a request.
    fn ferry_test_op(ctx, op: i64, n: i64, words: *const u64) -> V = unsafe { run(ctx).null }; {
        let args: Vec<Value> = (0..n as usize).map(|i| val(*words.add(i) as V).clone()).collect();
        match crate::testing::call_op(ctx, op as usize, args) {
            Some(value) => run(ctx).alloc(value),
            None => run(ctx).null,
        }
    }
    /// `run(input: …, config: …)` with the job's body as a closure.
    fn ferry_test_run(ctx, job: *const Closure, input: V, config: V) -> V = unsafe { run(ctx).null }; {
        let output = crate::testing::run_job(ctx, job, val(input), val(config));
        run(ctx).alloc(output)
    }
    /// `expect cond`.
    fn ferry_test_expect(ctx, holds: u8, loc: i64) -> V = unsafe { run(ctx).null }; {
        crate::testing::expect(run(ctx), &mut *ctx, holds != 0, loc as u32);
        run(ctx).null
    }
    /// `expect a == b`.
    fn ferry_test_expect_eq(ctx, left: V, right: V, loc: i64) -> V = unsafe { run(ctx).null }; {
        crate::testing::expect_eq(run(ctx), &mut *ctx, val(left), val(right), loc as u32);
        run(ctx).null
    }
    /// `fixture(path)` decoded against descriptor `desc`.
    fn ferry_test_fixture(ctx, path: V, desc: i64) -> V = unsafe { run(ctx).null }; {
        let loc = (*ctx).loc;
        match crate::testing::fixture(run(ctx), val(path), desc as usize) {
            Ok(value) => run(ctx).alloc(value),
            Err(message) => {
                run(ctx).raise(&mut *ctx, Pending::Fail(message, loc));
                run(ctx).null
            }
        }
    }
    /// `expect left == fixture(path)` (`ferry test --update` rewrites it).
    fn ferry_test_expect_fixture(ctx, left: V, path: V, desc: i64, loc: i64) -> V = unsafe { run(ctx).null }; {
        crate::testing::expect_fixture(run(ctx), &mut *ctx, val(left), val(path), desc as usize, loc as u32);
        run(ctx).null
    }
    /// `calls(OP)`.
    fn ferry_test_calls(ctx, op: i64) -> V = unsafe { run(ctx).null }; {
        let calls = crate::testing::calls(run(ctx), op as usize);
        run(ctx).alloc(calls)
    }
    /// `logs()`.
    fn ferry_test_logs(ctx) -> V = unsafe { run(ctx).null }; {
        let logs = crate::testing::logs(run(ctx));
        run(ctx).alloc(logs)
    }
    /// `http_error(status, body)`: a mock's failure, as a real status error.
    fn ferry_test_http_error(ctx, status: i64, body: V) -> V = unsafe { run(ctx).null }; {
        let error = crate::testing::http_error(status, val(body));
        let loc = (*ctx).loc;
        run(ctx).raise(&mut *ctx, Pending::Error(error, loc));
        run(ctx).null
    }
    /// `set_time(at)`: the test's clock.
    fn ferry_test_set_time(ctx, at: V) -> V = unsafe { run(ctx).null }; {
        if let Value::Str(s) = val(at) {
            crate::testing::clock::set(crate::testing::clock::parse(s.as_str()));
        }
        run(ctx).null
    }
}

/// An owned copy of a value (`null` for a null pointer: an unreachable value).
///
/// # Safety
/// `v` is null or points to a value.
unsafe fn owned(v: V) -> Value {
    if v.is_null() {
        Value::Null
    } else {
        unsafe { (*v).clone() }
    }
}

unsafe fn field_by_name(ctx: *mut Ctx, value: &Value, key: i64) -> V {
    unsafe {
        let run = run(ctx);
        let name = match &run.program.constants[key as usize] {
            Value::Str(s) => s.clone(),
            _ => return run.null,
        };
        match value {
            Value::Record(_) | Value::Object(_) => match value.get_field(name.as_str()) {
                Some(std::borrow::Cow::Borrowed(v)) if !v.is_absent() => v as V,
                Some(std::borrow::Cow::Owned(v)) if !v.is_absent() => run.alloc(v),
                _ => run.null,
            },
            Value::Null | Value::Absent => run.null,
            other => {
                fail_with(
                    ctx,
                    format!(
                        "cannot read the field `{}` of {}",
                        name.as_str(),
                        other.kind_name()
                    ),
                );
                run.null
            }
        }
    }
}
