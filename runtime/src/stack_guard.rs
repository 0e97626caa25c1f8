//! The recursion guard. Every generated function compares its stack pointer with
//! `Ctx::stack_limit` in its prologue; below it, the run fails with
//! "recursion too deep at FILE:LINE:COL" (exit code 1, not catchable) instead of
//! overflowing the thread's stack, which would kill the process and, under
//! `serve`, every run on it.
//!
//! The limit is derived from the stack of the thread the job runs on: its lowest
//! usable address plus a reserve for the runtime functions the deepest generated
//! frame calls (decoding, HTTP, error messages). `serve` runs each job on a
//! thread of [`JOB_THREAD_STACK`]; `ferry run` and built jobs on the main
//! thread, whose stack the system sets (`ulimit -s`, 8 MiB by default on Linux).

/// The stack of each job thread `serve` starts.
pub const JOB_THREAD_STACK: usize = 16 * 1024 * 1024;

/// The stack kept for the runtime below the deepest generated frame, at most.
pub const RESERVE: usize = 1024 * 1024;

/// What the error says to do.
pub const EXPLANATION: &str = "the calls nested deeper than the job's stack allows; make the recursion shallower \
     (a loop with `for`, or a list function) or split the input";

/// The lowest stack address generated code may use on the calling thread; 0 (no
/// limit) where the stack's bounds cannot be found.
pub fn limit() -> usize {
    let marker = 0u8;
    let here = std::ptr::addr_of!(marker) as usize;
    match stacker::remaining_stack() {
        // Keep the reserve, or half the stack that is left if that is less.
        Some(remaining) => here.saturating_sub(remaining) + RESERVE.min(remaining / 2),
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_below_here_and_above_the_end_of_the_stack() {
        let marker = 0u8;
        let here = std::ptr::addr_of!(marker) as usize;
        let limit = limit();
        let remaining = stacker::remaining_stack().unwrap();
        assert!(limit < here);
        assert!(limit > here - remaining);
    }

    #[test]
    fn a_thread_of_the_job_size_has_room_for_all_but_the_reserve() {
        std::thread::Builder::new()
            .stack_size(JOB_THREAD_STACK)
            .spawn(|| {
                let marker = 0u8;
                let here = std::ptr::addr_of!(marker) as usize;
                let room = here - limit();
                assert!(room > JOB_THREAD_STACK - RESERVE - 64 * 1024, "{room}");
                assert!(room < JOB_THREAD_STACK - RESERVE, "{room}");
            })
            .unwrap()
            .join()
            .unwrap();
    }
}
