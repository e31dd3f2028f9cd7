# --8<-- [start:layer]
import os

import numpy as np

# Keras 3 runs on PyTorch, JAX or TensorFlow; it reads its choice when first imported.
os.environ["KERAS_BACKEND"] = "torch"
import keras  # noqa: E402  (after choosing the backend)

# The same layer in Keras. Keras is channels-last: images are (N, H, W, C) and kernels
# are (kh, kw, in, out), so the numbers are the same but the axes are in another order.
layer = keras.layers.Conv2D(filters=1, kernel_size=2, strides=1, padding="valid")
x = np.array([[3.0, 1.0, 2.0], [0.0, 4.0, 1.0], [2.0, 1.0, 0.0]]).reshape(1, 3, 3, 1)
layer.build(x.shape)
kernel = np.array([[2.0, -1.0], [1.0, 3.0]]).reshape(2, 2, 1, 1)
layer.set_weights([kernel, np.array([1.0])])
y = layer(x)
# --8<-- [end:layer]
