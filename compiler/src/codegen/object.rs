//! `ferry build`: the program as an object file, with a C `main` that hands the
//! program to the runtime: `ferry_standalone_main`, or `ferry_standalone_main_serve`
//! for a job with a trigger (only that one links `serve` in).

use super::{MAIN, define};
use crate::ir::Program;
use cranelift_codegen::ir::{AbiParam, InstBuilder, Signature, types};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::{DataDescription, Linkage, Module, default_libcall_names};
use cranelift_object::{ObjectBuilder, ObjectModule};

/// The object file of a program; `meta` is the program's metadata (JSON).
pub fn compile(program: &Program, meta: &[u8]) -> Result<Vec<u8>, String> {
    let mut flags = settings::builder();
    let set = |flags: &mut settings::Builder, name: &str, value: &str| {
        flags
            .set(name, value)
            .map_err(|e| format!("cranelift setting {name}: {e}"))
    };
    set(&mut flags, "is_pic", "true")?;
    set(&mut flags, "opt_level", "speed")?;
    let isa = cranelift_native::builder()
        .map_err(|e| format!("this machine is not supported: {e}"))?
        .finish(settings::Flags::new(flags))
        .map_err(|e| format!("cranelift: {e}"))?;
    let builder = ObjectBuilder::new(isa, "ferry_job", default_libcall_names())
        .map_err(|e| format!("object file: {e}"))?;
    let mut module = ObjectModule::new(builder);
    let job_main = define(&mut module, program, Linkage::Local)?;

    let data = module
        .declare_data("ferry_program", Linkage::Local, false, false)
        .map_err(|e| e.to_string())?;
    let mut description = DataDescription::new();
    description.define(meta.to_vec().into_boxed_slice());
    module
        .define_data(data, &description)
        .map_err(|e| e.to_string())?;

    // int main(int argc, char **argv) { return ferry_standalone_main(argc, argv, program, len, job_main); }
    let entry = if program.meta.trigger.is_some() {
        "ferry_standalone_main_serve"
    } else {
        "ferry_standalone_main"
    };
    let pointer = module.target_config().pointer_type();
    let call_conv = module.target_config().default_call_conv;
    let mut main_sig = Signature::new(call_conv);
    main_sig.params.push(AbiParam::new(types::I32));
    main_sig.params.push(AbiParam::new(pointer));
    main_sig.returns.push(AbiParam::new(types::I32));
    let main = module
        .declare_function("main", Linkage::Export, &main_sig)
        .map_err(|e| e.to_string())?;
    let mut start_sig = Signature::new(call_conv);
    for ty in [types::I32, pointer, pointer, types::I64, pointer] {
        start_sig.params.push(AbiParam::new(ty));
    }
    start_sig.returns.push(AbiParam::new(types::I32));
    let start = module
        .declare_function(entry, Linkage::Import, &start_sig)
        .map_err(|e| e.to_string())?;

    let mut ctx = module.make_context();
    ctx.func.signature = main_sig;
    let mut builder_ctx = FunctionBuilderContext::new();
    {
        let mut b = FunctionBuilder::new(&mut ctx.func, &mut builder_ctx);
        let block = b.create_block();
        b.append_block_params_for_function_params(block);
        b.switch_to_block(block);
        let (argc, argv) = (b.block_params(block)[0], b.block_params(block)[1]);
        let data_ref = module.declare_data_in_func(data, b.func);
        let program_address = b.ins().symbol_value(pointer, data_ref);
        let length = b.ins().iconst(types::I64, meta.len() as i64);
        let job_ref = module.declare_func_in_func(job_main, b.func);
        let job_address = b.ins().func_addr(pointer, job_ref);
        let start_ref = module.declare_func_in_func(start, b.func);
        let call = b.ins().call(
            start_ref,
            &[argc, argv, program_address, length, job_address],
        );
        let code = b.inst_results(call)[0];
        b.ins().return_(&[code]);
        b.seal_all_blocks();
        b.finalize(module.target_config());
    }
    module
        .define_function(main, &mut ctx)
        .map_err(|e| format!("compiling main: {e:?}"))?;
    let _ = MAIN;
    let product = module.finish();
    product
        .emit()
        .map_err(|e| format!("writing the object file: {e}"))
}
