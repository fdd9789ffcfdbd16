/// Compares two arrays element by element; returns nil when every |a − b| ≤ atol + rtol·|b|,
/// else a message naming the worst element and both values.
public func mismatch(_ actual: [Float], _ expected: [Float], rtol: Float = 1e-4, atol: Float = 1e-5) -> String? {
    guard actual.count == expected.count else { return "counts differ: \(actual.count) != \(expected.count)" }
    var worst = -1, worstExcess: Float = 0
    for i in actual.indices {
        let excess = abs(actual[i] - expected[i]) - (atol + rtol * abs(expected[i]))
        if !(excess <= 0) && (worst < 0 || excess > worstExcess || excess.isNaN) { worst = i; worstExcess = excess }
    }
    guard worst >= 0 else { return nil }
    return "element \(worst): actual \(actual[worst]) vs expected \(expected[worst]) (and possibly others)"
}

public func mismatch(_ actual: [Float], _ expected: [Double], rtol: Float = 1e-4, atol: Float = 1e-5) -> String? {
    mismatch(actual, expected.map { Float($0) }, rtol: rtol, atol: atol)
}
