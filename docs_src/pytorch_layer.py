# --8<-- [start:layer]
import torch
from torch import nn

# The small example: one input channel, one 2x2 kernel (alpha, beta / gamma, delta), a bias.
layer = nn.Conv2d(in_channels=1, out_channels=1, kernel_size=2, stride=1, padding=0)
with torch.no_grad():
    layer.weight.copy_(torch.tensor([[[[2.0, -1.0], [1.0, 3.0]]]]))  # (out, in, kh, kw)
    layer.bias.copy_(torch.tensor([1.0]))

# PyTorch wants a batch dimension first: (N, C, H, W).
x = torch.tensor([[[[3.0, 1.0, 2.0], [0.0, 4.0, 1.0], [2.0, 1.0, 0.0]]]])
y = layer(x)
# --8<-- [end:layer]

# --8<-- [start:dense]
# The same layer as a fully connected one: its 4x9 weight matrix, built column by column
# by sending each pixel through the layer on its own (no bias).
columns = []
for j in range(9):
    pixel = torch.zeros(9)
    pixel[j] = 1.0
    columns.append(layer(pixel.reshape(1, 1, 3, 3)).flatten() - layer.bias)
matrix = torch.stack(columns, dim=1)  # (4, 9)
dense = nn.Linear(in_features=9, out_features=4)
with torch.no_grad():
    dense.weight.copy_(matrix)
    dense.bias.fill_(layer.bias.item())
assert torch.allclose(dense(x.flatten()), y.flatten())
# --8<-- [end:dense]
