#version 330 core
// The plain textured quad.
uniform sampler2D uTexture;
in vec2 vUv;
out vec4 fragColor;

void main()
{
    fragColor = vec4(texture(uTexture, vUv).rgb, 1.0);
}
