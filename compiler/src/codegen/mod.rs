//! IR to machine code with Cranelift: one lowering, written against
//! `cranelift_module::Module`, used by the JIT (`ferry run`) and the object
//! writer (`ferry build`).
//!
//! Conventions the runtime shares (`runtime/src/abi.rs`, `docs/internals/native-code.md`):
//! every function takes the run's context pointer first; the context starts with
//! `failed: u32` (nonzero when an error is pending), `loc: u32` (the source
//! location of the operation being run), a pointer to the constants and one to
//! the globals. After anything that can fail, generated code reads `failed` and
//! goes to the innermost `catch`, or returns.

mod frame;
mod function;
pub mod jit;
pub mod object;

use crate::ir::{self, FnKind, Program, Repr};
use cranelift_codegen::ir::{AbiParam, Signature, Type, types};
use cranelift_codegen::isa::CallConv;
use cranelift_module::{FuncId, Linkage, Module};
use ferry_meta::abi;
use std::collections::HashMap;

/// Offsets in the runtime's `Ctx` (`#[repr(C)]`).
pub use ferry_meta::abi::ctx;

/// The name of the generated entry point: `fn(ctx)`.
pub const MAIN: &str = "ferry_job_main";

pub fn clif_type(repr: Repr, pointer: Type) -> Type {
    match repr {
        Repr::Int => types::I64,
        Repr::Float => types::F64,
        Repr::Bool => types::I8,
        Repr::Value | Repr::Closure => pointer,
    }
}

/// A parameter or result: a `Bool` (`i8`) is zero-extended, as Rust's `u8`
/// parameters of the runtime expect (LLVM's `zeroext`).
pub fn abi_param(ty: Type) -> AbiParam {
    if ty == types::I8 {
        AbiParam::new(ty).uext()
    } else {
        AbiParam::new(ty)
    }
}

/// Declares and defines every function of the program in `module`; returns the
/// id of the entry point.
pub fn define<M: Module>(
    module: &mut M,
    program: &Program,
    main_linkage: Linkage,
) -> Result<FuncId, String> {
    let pointer = module.target_config().pointer_type();
    let call_conv = module.target_config().default_call_conv;
    let mut ids = Vec::new();
    for (i, f) in program.functions.iter().enumerate() {
        let sig = signature(f, pointer, call_conv);
        let (name, linkage) = if i == 0 {
            (MAIN.to_string(), main_linkage)
        } else {
            (format!("ferry_{}_{}", i, f.name), Linkage::Local)
        };
        let id = module
            .declare_function(&name, linkage, &sig)
            .map_err(|e| format!("declaring {name}: {e}"))?;
        ids.push(id);
    }
    let mut runtime = RuntimeFns {
        ids: HashMap::new(),
    };
    let mut ctx = module.make_context();
    let mut builder_ctx = cranelift_frontend::FunctionBuilderContext::new();
    for (i, f) in program.functions.iter().enumerate() {
        ctx.func.signature = signature(f, pointer, call_conv);
        function::build(
            module,
            &mut ctx.func,
            &mut builder_ctx,
            f,
            &ids,
            &mut runtime,
            pointer,
        )?;
        module
            .define_function(ids[i], &mut ctx)
            .map_err(|e| format!("compiling {}: {e:?}", f.name))?;
        module.clear_context(&mut ctx);
    }
    Ok(ids[0])
}

fn signature(f: &ir::Function, pointer: Type, call_conv: CallConv) -> Signature {
    let mut sig = Signature::new(call_conv);
    sig.params.push(AbiParam::new(pointer));
    match f.kind {
        FnKind::Main => {}
        FnKind::User => {
            sig.params.extend(
                f.params
                    .iter()
                    .map(|r| AbiParam::new(clif_type(*r, pointer))),
            );
            sig.returns.push(AbiParam::new(clif_type(f.ret, pointer)));
        }
        FnKind::Closure { .. } => {
            sig.params.push(AbiParam::new(pointer));
            sig.params
                .extend(f.params.iter().map(|_| AbiParam::new(pointer)));
            sig.returns.push(AbiParam::new(pointer));
        }
    }
    sig
}

/// Runtime functions, declared as imports the first time a call needs one, with
/// the signature the runtime's table gives them (`ferry_meta::abi::FUNCTIONS`).
pub struct RuntimeFns {
    ids: HashMap<&'static str, (FuncId, &'static abi::Function)>,
}

/// The Cranelift type of one ABI word.
fn word_type(word: abi::Word, pointer: Type) -> Type {
    match word {
        abi::Word::Int => types::I64,
        abi::Word::Float => types::F64,
        abi::Word::Bool => types::I8,
        _ => pointer,
    }
}

impl RuntimeFns {
    /// The import of runtime function `name`, checked against the types of the
    /// arguments and the result the call site has: a call that does not fit the
    /// table is an internal error, never a call with the wrong registers.
    pub fn get<M: Module>(
        &mut self,
        module: &mut M,
        name: &'static str,
        args: &[Type],
        ret: Type,
    ) -> Result<FuncId, String> {
        let pointer = module.target_config().pointer_type();
        let declared = match self.ids.get(name) {
            Some((_, f)) => *f,
            None => abi::function(name).ok_or_else(|| {
                format!("internal error: `{name}` is not a runtime function; please report")
            })?,
        };
        let expected: Vec<Type> = declared
            .params
            .iter()
            .map(|w| word_type(*w, pointer))
            .collect();
        if expected != args || word_type(declared.ret, pointer) != ret {
            return Err(format!(
                "internal error: `{name}` takes {:?} -> {:?}, called with {args:?} -> {ret:?}; please report",
                declared.params, declared.ret
            ));
        }
        if let Some((id, _)) = self.ids.get(name) {
            return Ok(*id);
        }
        let mut sig = Signature::new(module.target_config().default_call_conv);
        sig.params.push(AbiParam::new(pointer));
        sig.params.extend(args.iter().map(|t| abi_param(*t)));
        sig.returns.push(abi_param(ret));
        let id = module
            .declare_function(name, Linkage::Import, &sig)
            .map_err(|e| format!("declaring {name}: {e}"))?;
        self.ids.insert(name, (id, declared));
        Ok(id)
    }
}
