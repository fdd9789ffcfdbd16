import DataIO
import Training

/// Which class each sampled image gets, from `--class` and `--n`, checked against the model.
///
/// No `--class`: a conditional model cycles through its classes. `--class C` (a number or a name):
/// every image is C. `--class all`: `--n` images per class, one grid row per class, labelled
/// with its name.
struct ClassPlan {
    /// Label per image (nil: unconditional model).
    let labels: [Int]?
    let names: ClassNames?
    let imageCount: Int
    /// Images per grid row and the row labels, for `--class all`.
    let perRow: Int?
    let rowLabels: [String]?
    /// The choice, for the PNGs' text chunks.
    let provenance: [(key: String, value: String)]

    init(choice: String?, guidance: Float?, source: ModelSource, count: Int?) throws {
        guard let names = try Self.classNames(source, choice: choice, guidance: guidance) else {
            (labels, self.names, imageCount, perRow, rowLabels, provenance) = (nil, nil, count ?? 64, nil, nil, [])
            return
        }
        self.names = names
        switch choice {
        case nil:
            imageCount = count ?? 64
            (labels, perRow, rowLabels) = (Array(0..<names.count), nil, nil)
            provenance = [("class", "cycling through \(names.count) classes")]
        case "all"?:
            let perClass = count ?? 8
            imageCount = perClass * names.count
            labels = (0..<imageCount).map { $0 / perClass }
            (perRow, rowLabels) = (perClass, names.names)
            provenance = [("class", "all: one row per class, \(perClass) images each")]
        case let value?:
            let label = try Self.label(value, in: names, orAll: true)
            imageCount = count ?? 64
            (labels, perRow, rowLabels) = ([label], nil, nil)
            provenance = [("class", names.describe(label))]
        }
    }

    /// The model's class names; nil for an unconditional model, which takes neither --class nor --guidance.
    static func classNames(_ source: ModelSource, choice: String?, guidance: Float?) throws -> ClassNames? {
        if let names = source.config.model.classNames(dataset: source.config.data.dataset) { return names }
        let unconditional = "\(source.path) is an unconditional model (trained without --class-conditional): it has no classes"
        if let choice { throw CLIError("--class \(choice): \(unconditional)") }
        if let guidance { throw CLIError("--guidance \(guidance): \(unconditional) to guide towards") }
        return nil
    }

    /// The label `--class value` names, or an error listing the valid classes.
    static func label(_ value: String, in names: ClassNames, orAll: Bool) throws -> Int {
        do { return try names.label(for: value) } catch {
            // (A class that is really named "all" was found above.)
            let onlySample = !orAll && value.lowercased() == "all" ? " ('all', one grid row per class, is for ddpm sample; inpaint fills towards one class)" : ""
            throw CLIError("--class \(value): \(error)\(orAll ? ", or all" : onlySample)")
        }
    }
}
