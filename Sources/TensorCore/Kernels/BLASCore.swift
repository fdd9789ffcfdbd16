import CBLAS
import CKernels
import Foundation

/// Which OpenBLAS kernel set runs, and the CPU's vector ISA.
///
/// Debian's OpenBLAS (0.3.21, DYNAMIC_ARCH) picks its kernels from a CPU table made before AMD's
/// Zen 4 and Zen 5. On those CPUs it falls back to its `Haswell` (AVX2) kernels although the CPU
/// runs AVX-512, and an sgemm of a UNet conv's shape runs at half the speed its `SkylakeX` kernels
/// reach (measured on a Zen 5 EPYC: 45 against 98 GFLOP/s on one core; later OpenBLAS releases map
/// Zen 4/5 to those kernels themselves). OpenBLAS reads `OPENBLAS_CORETYPE` only while it is loaded,
/// before any of our code runs, so the choice is made by re-executing the process once with it set.
public enum BLASCore {
    /// The name of the kernel set OpenBLAS loaded ("Haswell", "SkylakeX", "Zen", ...).
    public static var name: String { String(cString: openblas_get_corename()) }

    /// The widest vector ISA this CPU supports: "avx512", "avx2" or "sse2".
    public static var cpuISA: String { ["sse2", "avx2", "avx512"][Int(ddpm_cpu_isa())] }

    /// The kernel set to ask for, or nil to keep OpenBLAS's choice: `SkylakeX` when the CPU has
    /// AVX-512 but OpenBLAS loaded an AVX2 set, unless `OPENBLAS_CORETYPE` is already set (the
    /// user's choice wins, and it also stops a second re-execution).
    static func preferredCore(environment: [String: String], loaded: String, isa: Int32) -> String? {
        guard environment["OPENBLAS_CORETYPE"] == nil, isa >= 2 else { return nil }
        return ["Haswell", "Zen"].contains(loaded) ? "SkylakeX" : nil
    }

    /// Re-executes this program with `OPENBLAS_CORETYPE` set when `preferredCore` asks for wider
    /// kernels. Call first thing in `main`; it returns only when nothing needs to change or the
    /// re-execution failed (then the process goes on with the kernels it has).
    public static func reexecutingForWidestKernels() {
        guard let core = preferredCore(environment: ProcessInfo.processInfo.environment, loaded: name,
                                       isa: ddpm_cpu_isa()) else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv("OPENBLAS_CORETYPE")
    }
}
