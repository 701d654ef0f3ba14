namespace TexturePlugin.Abstractions;

/// <summary>The clock of one frame.</summary>
public readonly struct FrameTime
{
    /// <summary>Creates a frame time.</summary>
    public FrameTime(long frameIndex, double totalSeconds, double deltaSeconds)
    {
        FrameIndex = frameIndex;
        TotalSeconds = totalSeconds;
        DeltaSeconds = deltaSeconds;
    }

    /// <summary>0 for the first frame after the plugin loaded, then +1 per frame.</summary>
    public long FrameIndex { get; }

    /// <summary>Seconds since the host started.</summary>
    public double TotalSeconds { get; }

    /// <summary>Seconds since the previous frame.</summary>
    public double DeltaSeconds { get; }
}
