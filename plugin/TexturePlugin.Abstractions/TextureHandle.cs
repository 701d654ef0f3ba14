namespace TexturePlugin.Abstractions;

/// <summary>A texture in an <see cref="ITextureRegistry"/>. The default value is no texture.</summary>
public readonly struct TextureHandle : IEquatable<TextureHandle>
{
    /// <summary>Wraps a registry id (positive).</summary>
    public TextureHandle(int id) => Id = id;

    /// <summary>The registry's id; 0 means none.</summary>
    public int Id { get; }

    /// <summary>True for a handle a registry gave out.</summary>
    public bool IsValid => Id > 0;

    /// <inheritdoc/>
    public bool Equals(TextureHandle other) => Id == other.Id;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TextureHandle other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Id;

    /// <inheritdoc/>
    public override string ToString() => $"texture #{Id}";

    /// <summary>Equality by id.</summary>
    public static bool operator ==(TextureHandle a, TextureHandle b) => a.Id == b.Id;

    /// <summary>Inequality by id.</summary>
    public static bool operator !=(TextureHandle a, TextureHandle b) => a.Id != b.Id;
}
