/// ddpm's version: what `ddpm --version` prints. The one place it is written.
public enum DDPMVersion {
    public static let current = "0.1.0"
}
