using TexturePlugin.Abstractions;

namespace TexturePlugin.Demo.Platform;

/// <summary>The frame's input: what the surface sampled plus key presses and dropped files since the last frame.</summary>
internal sealed class DemoInput : IInputState
{
    private readonly bool[] _buttons = new bool[3];
    private readonly HashSet<int> _keysDown = new();
    private readonly Queue<int> _pressed = new();
    private readonly Queue<string> _dropped = new();

    public float MouseX { get; set; }

    public float MouseY { get; set; }

    public float ScrollDelta { get; set; }

    /// <summary>Set by the active view each frame: the pointer in texels of the main texture.</summary>
    public bool PointerOnTexture { get; set; }

    public float TextureX { get; set; }

    public float TextureY { get; set; }

    public bool IsButtonDown(MouseButton button) => _buttons[(int)button];

    public void SetButton(MouseButton button, bool down) => _buttons[(int)button] = down;

    public bool IsKeyDown(int key) => _keysDown.Contains(key);

    public void SetKey(int key, bool down)
    {
        if (down)
        {
            if (_keysDown.Add(key))
                _pressed.Enqueue(key);
        }
        else
        {
            _keysDown.Remove(key);
        }
    }

    /// <summary>A key press (also auto-repeat) to act on once.</summary>
    public void Press(int key) => _pressed.Enqueue(key);

    public bool TryTakePress(out int key) => _pressed.TryDequeue(out key);

    public void Drop(string path) => _dropped.Enqueue(path);

    public bool TryTakeDrop(out string path) => _dropped.TryDequeue(out path!);

    public bool TryGetPointerOnTexture(out float x, out float y)
    {
        x = TextureX;
        y = TextureY;
        return PointerOnTexture;
    }
}
