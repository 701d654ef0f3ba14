#version 330 core
// Drawn blended over the image: the damage mask tinted red (mask in the red channel, 1 = damaged)
// and the brush as a circle outline. uBrush: centre (texture uv) and radius (in uv of x), z = aspect
// (texture height / width), w > 0 shows the brush.
uniform sampler2D uMask;
uniform vec4 uBrush;
uniform float uMaskOpacity;
in vec2 vUv;
out vec4 fragColor;

void main()
{
    float mask = texture(uMask, vUv).r;
    vec4 color = vec4(1.0, 0.1, 0.1, mask * uMaskOpacity);
    vec2 d = (vUv - uBrush.xy) * vec2(1.0, uBrush.z);
    float distance = length(d);
    float ring = abs(distance - uBrush.y) / max(fwidth(distance), 1e-6);
    float brush = (1.0 - clamp(ring - 0.5, 0.0, 1.0)) * step(1e-6, uBrush.w);
    fragColor = mix(color, vec4(1.0, 1.0, 1.0, 0.9), brush);
}
