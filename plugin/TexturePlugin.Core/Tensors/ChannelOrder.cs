namespace TexturePlugin.Core.Tensors;

/// <summary>Which pixel channel goes to which tensor plane.</summary>
public enum ChannelOrder
{
    /// <summary>Planes R, G, B (alpha ignored on the way in, set on the way out).</summary>
    Rgb,
    /// <summary>Planes B, G, R.</summary>
    Bgr,
    /// <summary>Planes R, G, B, A.</summary>
    Rgba,
    /// <summary>Planes B, G, R, A.</summary>
    Bgra,
    /// <summary>One plane from the red channel (masks, grey images).</summary>
    R,
    /// <summary>One plane from the alpha channel.</summary>
    A,
}

public static class ChannelOrderExtensions
{
    /// <summary>Number of tensor planes.</summary>
    public static int PlaneCount(this ChannelOrder order) => order switch
    {
        ChannelOrder.Rgb or ChannelOrder.Bgr => 3,
        ChannelOrder.Rgba or ChannelOrder.Bgra => 4,
        _ => 1,
    };

    /// <summary>Byte offset in an RGBA pixel of tensor plane <paramref name="plane"/>.</summary>
    public static int SourceByte(this ChannelOrder order, int plane) => order switch
    {
        ChannelOrder.Rgb or ChannelOrder.Rgba => plane,
        ChannelOrder.Bgr or ChannelOrder.Bgra => plane == 3 ? 3 : 2 - plane,
        ChannelOrder.R => 0,
        ChannelOrder.A => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(order), order, null),
    };

    /// <summary>Parses a manifest's "channel_order" ("RGB", "BGR", "RGBA", "BGRA"; case-insensitive).</summary>
    public static bool TryParse(string? text, out ChannelOrder order)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "RGB": order = ChannelOrder.Rgb; return true;
            case "BGR": order = ChannelOrder.Bgr; return true;
            case "RGBA": order = ChannelOrder.Rgba; return true;
            case "BGRA": order = ChannelOrder.Bgra; return true;
            default: order = ChannelOrder.Rgb; return false;
        }
    }
}
