#version 330 core
// Before / after: left of uSplit (0..1 across the quad) shows uBefore, right shows uAfter,
// with a 2-pixel divider.
uniform sampler2D uBefore;
uniform sampler2D uAfter;
uniform float uSplit;
in vec2 vUv;
out vec4 fragColor;

void main()
{
    vec3 before = texture(uBefore, vUv).rgb;
    vec3 after = texture(uAfter, vUv).rgb;
    vec3 color = vUv.x < uSplit ? before : after;
    float pixels = abs(vUv.x - uSplit) / fwidth(vUv.x);
    fragColor = vec4(mix(vec3(1.0), color, clamp(pixels - 1.0, 0.0, 1.0)), 1.0);
}
