import NN

/// A UNet small enough for finite differences, with every layer type: two levels, attention
/// (two heads) at the lower one, mid attention, class embedding.
func tinyConfig(classes: Int? = 3, dropout: Float = 0) -> UNetConfig {
    var c = UNetConfig(imageSize: 8, channels: 2, baseChannels: 8, channelMultipliers: [1, 2], resBlocks: 1,
                       attentionResolutions: [4], headDim: 8, dropout: dropout, groups: 4, classes: classes)
    c.normEps = 1e-5
    return c
}
