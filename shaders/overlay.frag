#version 330 core
// Drawn blended over the image: the damage mask tinted red (mask in the red channel, 1 = damaged)
// and the brush as a circle outline. uBrush: centre (texture uv), radius (in units of the quad's
// width), w > 0 shows the brush; uAspect = quad height / width, so the circle stays round.
uniform sampler2D uMask;
uniform vec4 uBrush;
uniform float uAspect;
uniform float uMaskOpacity;
uniform float uMaskMaxU;   // the mask shows only left of this (the "before" side of a split view)
in vec2 vUv;
out vec4 fragColor;

void main()
{
    float mask = texture(uMask, vUv).r * step(vUv.x, uMaskMaxU);
    vec4 color = vec4(1.0, 0.1, 0.1, mask * uMaskOpacity);
    vec2 d = (vUv - uBrush.xy) * vec2(1.0, uAspect);
    float distance = length(d);
    float ring = abs(distance - uBrush.z) / max(fwidth(distance), 1e-6);
    float brush = (1.0 - clamp(ring - 0.75, 0.0, 1.0)) * step(1e-6, uBrush.w);
    fragColor = mix(color, vec4(1.0, 1.0, 1.0, 0.9), brush);
}
