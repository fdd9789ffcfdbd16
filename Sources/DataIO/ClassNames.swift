// The names of a labelled dataset's classes (name i belongs to label i) and the parsing of a
// user's class choice: `--class sneaker` as well as `--class 7`.

/// A class choice that names no class; the message lists the valid ones.
public struct ClassNameError: Error, CustomStringConvertible, Equatable, Sendable {
    public let value: String
    public let problem: String
    public let valid: String

    public var description: String { "\(problem) \"\(value)\"; valid classes: \(valid)" }
}

/// The class names of a class-conditional model or a labelled dataset.
public struct ClassNames: Equatable, Sendable {
    public let names: [String]

    public init(_ names: [String]) { self.names = names }

    /// "0", "1", … for a model that knows its class count but no names.
    public init(count: Int) { names = (0..<count).map(String.init) }

    public var count: Int { names.count }

    /// Built-in names of the labelled datasets, in label order; nil for `folder` (its names are its
    /// subfolders, see `ImageFolder.classFolders`).
    public static func builtIn(_ kind: DatasetKind) -> ClassNames? {
        switch kind {
        case .mnist: ClassNames(count: 10)
        // Zalando's labels (fashion-mnist README).
        case .fashionMNIST: ClassNames(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"])
        // batches.meta.txt of the binary CIFAR-10 release.
        case .cifar10: ClassNames(["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"])
        case .folder: nil
        }
    }

    /// The label `value` names. A name matches ignoring case and everything but letters and digits,
    /// as a whole or as one of its "/"-separated parts ("sneaker", "ankle-boot", "t-shirt", "Top").
    /// Names win over indices, so a folder whose classes are called "1", "2", … means what it says;
    /// otherwise a number 0 ..< count is the label itself.
    public func label(for value: String) throws -> Int {
        let key = Self.normalized(value)
        let matches = names.indices.filter { i in
            Self.normalized(names[i]) == key || names[i].split(separator: "/").contains { Self.normalized(String($0)) == key }
        }
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 {
            throw ClassNameError(value: value, problem: "ambiguous class", valid: listing(matches))
        }
        if let index = Int(value.trimmingWhitespace), names.indices.contains(index) { return index }
        throw ClassNameError(value: value, problem: "unknown class", valid: listing(Array(names.indices)))
    }

    /// "7 Sneaker"-style description of a label, for provenance and messages.
    public func describe(_ label: Int) -> String {
        names.indices.contains(label) ? (names[label] == String(label) ? names[label] : "\(label) \(names[label])") : String(label)
    }

    /// "0 T-shirt/top, 1 Trouser, …" (digits alone when name and index agree).
    public func listing(_ labels: [Int]? = nil) -> String {
        (labels ?? Array(names.indices)).map(describe).joined(separator: ", ")
    }

    static func normalized(_ text: String) -> String {
        String(text.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }.map(Character.init))
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
