import TensorCore

/// The keys of training's random streams (`RandomGenerator(seed: config.training.seed, stream: key)`).
///
/// Each family owns its own range of 2⁴⁰ keys in the 64-bit stream space, so no two draws of a run
/// share a stream: a step's draws (t, ε, flips, label drops) never replay its dropout masks, an
/// epoch's shuffle, a validation batch, or the weight initialization.
/// ```
/// family          key                  index
/// step            0·2⁴⁰ + step         optimizer step
/// epoch           1·2⁴⁰ + epoch        epoch (the shuffle)
/// dropout         2·2⁴⁰ + step         optimizer step
/// validation      3·2⁴⁰ + start        first image of the validation batch
/// initialization  4·2⁴⁰                (one stream: the UNet's initial weights)
/// data subset     5·2⁴⁰                (one stream: which images --limit keeps)
/// ```
/// Initialization had stream 0 until issue 7, the same as step 0's draws; seeded runs started
/// from other weights after that change.
public enum RandomStreams {
    /// Keys per family.
    public static let familySize: UInt64 = 1 << 40

    public static func step(_ step: Int) -> UInt64 { key(family: 0, step) }
    public static func epoch(_ epoch: Int) -> UInt64 { key(family: 1, epoch) }
    public static func dropout(step: Int) -> UInt64 { key(family: 2, step) }
    public static func validation(start: Int) -> UInt64 { key(family: 3, start) }
    public static let initialization: UInt64 = key(family: 4, 0)
    public static let dataSubset: UInt64 = key(family: 5, 0)

    private static func key(family: UInt64, _ index: Int) -> UInt64 {
        shapeCheck(index >= 0 && UInt64(index) < familySize, "RandomStreams: index \(index) is outside 0..<2^40")
        return family * familySize + UInt64(index)
    }
}
