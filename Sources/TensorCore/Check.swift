/// Stops with `message` when `condition` is false.
///
/// Why not `precondition`: with Swift 6.3 on Linux at `-O`, a failed precondition traps without
/// printing its message, while `fatalError` prints it. Shape errors must name the op and shapes.
@inline(__always)
public func shapeCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                       file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError(message(), file: file, line: line) }
}

/// Formats a shape the way error messages show it: `[3, 4, 7, 7]`.
public func describe(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
