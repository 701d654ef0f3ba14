namespace TexturePlugin.Core.Inference;

/// <summary>A model input or output as the graph declares it.</summary>
public sealed class TensorInfo
{
    public TensorInfo(string name, IReadOnlyList<int> dimensions, IReadOnlyList<string> symbolicDimensions, Type elementType)
    {
        Name = name;
        Dimensions = dimensions;
        SymbolicDimensions = symbolicDimensions;
        ElementType = elementType;
    }

    public string Name { get; }

    /// <summary>Dimensions; -1 where the graph leaves one open.</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>Names of open dimensions ("" where fixed or unnamed).</summary>
    public IReadOnlyList<string> SymbolicDimensions { get; }

    public Type ElementType { get; }

    public int Rank => Dimensions.Count;

    public override string ToString() => $"{Name} [{string.Join(", ", Dimensions.Select(d => d < 0 ? "?" : d.ToString()))}] {ElementType.Name}";
}
