namespace TexturePlugin.Abstractions;

/// <summary>Mouse buttons.</summary>
public enum MouseButton
{
    /// <summary>Left (primary).</summary>
    Left = 0,

    /// <summary>Right (secondary).</summary>
    Right = 1,

    /// <summary>Middle (wheel).</summary>
    Middle = 2,
}

/// <summary>Mouse and keyboard, sampled by the host once per frame.</summary>
public interface IInputState
{
    /// <summary>Pointer position in window pixels, origin top-left.</summary>
    float MouseX { get; }

    /// <summary>Pointer position in window pixels, origin top-left.</summary>
    float MouseY { get; }

    /// <summary>Whether a button is held.</summary>
    bool IsButtonDown(MouseButton button);

    /// <summary>Whether a key is held; codes are GLFW key codes (printable keys are their upper-case ASCII).</summary>
    bool IsKeyDown(int key);

    /// <summary>Wheel movement since the previous frame.</summary>
    float ScrollDelta { get; }

    /// <summary>
    /// Where the pointer is on the texture the host shows as the plugin's main view, in texels of
    /// that texture (the host knows its layout); false when it is outside.
    /// </summary>
    bool TryGetPointerOnTexture(out float x, out float y);
}
