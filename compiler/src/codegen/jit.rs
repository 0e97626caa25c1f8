//! `ferry run`: the program compiled in memory.

use super::define;
use crate::ir::Program;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, default_libcall_names};

/// A program compiled into this process. Dropping it frees its code.
pub struct JitProgram {
    // Holds the executable memory `main` points into.
    _module: JITModule,
    /// `fn(ctx: *mut Ctx)`, the job's main body.
    pub main: *const u8,
}

/// Compiles `program` with the runtime's functions at the addresses given.
pub fn compile(
    program: &Program,
    symbols: &[(&'static str, *const u8)],
) -> Result<JitProgram, String> {
    let mut flags = settings::builder();
    let set = |flags: &mut settings::Builder, name: &str, value: &str| {
        flags
            .set(name, value)
            .map_err(|e| format!("cranelift setting {name}: {e}"))
    };
    set(&mut flags, "use_colocated_libcalls", "false")?;
    set(&mut flags, "is_pic", "false")?;
    set(&mut flags, "opt_level", "speed")?;
    let isa = cranelift_native::builder()
        .map_err(|e| format!("this machine is not supported by the JIT: {e}"))?
        .finish(settings::Flags::new(flags))
        .map_err(|e| format!("cranelift: {e}"))?;
    let mut builder = JITBuilder::with_isa(isa, default_libcall_names());
    for (name, address) in symbols {
        builder.symbol(*name, *address);
    }
    let mut module = JITModule::new(builder);
    let main = define(&mut module, program, Linkage::Export)?;
    module
        .finalize_definitions()
        .map_err(|e| format!("linking the JIT code: {e}"))?;
    let main = module.get_finalized_function(main);
    Ok(JitProgram {
        _module: module,
        main,
    })
}
