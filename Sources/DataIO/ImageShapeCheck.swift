// Programming errors in DataIO (a pixel buffer that does not match its stated shape) stop the
// process with a message. fatalError, not precondition: at -O, precondition drops its message
// (STYLE.md, "Library shape errors").

@inline(__always)
func imageShapeCheck(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}
