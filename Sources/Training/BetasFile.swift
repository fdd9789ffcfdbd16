import DataIO
import Foundation

/// `--betas-file FILE`: a custom schedule as β_1 … β_T.
///
/// Format: a `.npy` file holding a 1-D float64 (or float32) array, or a text file with one beta
/// per line (decimal or exponent notation; blank lines and lines starting with `#` are skipped).
/// T is the number of betas (at least 2), and each must be a finite number with 0 < β < 1.
public enum BetasFile {
    public static func read(_ path: String) throws -> [Double] {
        let betas: [Double]
        do {
            betas = path.lowercased().hasSuffix(".npy") ? try NPYArray.readVector(from: path) : try parseText(DurableFile.read(path))
        } catch let error as TextError {
            throw ConfigError.invalid("--betas-file \(path): \(error.message)")
        } catch {
            throw ConfigError.invalid("--betas-file \(error)")
        }
        guard betas.count >= 2 else {
            throw ConfigError.invalid("--betas-file \(path): holds \(betas.count) betas; expected at least 2 (one per diffusion step, T ≥ 2)")
        }
        if let i = betas.firstIndex(where: { !($0 > 0 && $0 < 1) }) {
            throw ConfigError.invalid("--betas-file \(path): beta \(i + 1) (t = \(i + 1)) is \(betas[i]); every beta must be in (0, 1)")
        }
        return betas
    }

    struct TextError: Error { let message: String }

    /// One beta per line; blank lines and `#` comments skipped.
    static func parseText(_ bytes: [UInt8]) throws -> [Double] {
        var betas: [Double] = []
        for (n, raw) in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let value = Double(line) else {
                throw TextError(message: "line \(n + 1): \"\(line.prefix(40))\" is not a number (expected one beta per line, or a .npy file)")
            }
            betas.append(value)
        }
        return betas
    }
}
