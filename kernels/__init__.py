"""minigrad's own CUDA kernels, written in Numba (installed as `minigrad.kernels`; on disk: kernels/).

    bias.py    bias_add, bias_add_relu   — the elementwise tail of Linear's forward
    reduce.py  bias_grad, relu_bias_grad — column sums for Linear's backward (ReLU mask fused)
    checks.py  range_check — index, target, divisor and [0, 1] checks that record the first bad value, no sync
    dropout.py dropout_mask — dropout's mask drawn on the device (Philox4x32-10)
    cross_entropy.py  cross_entropy, cross_entropy_grad — softmax, loss and target check of class rows,
               and their gradient, one launch each
    launch.py  streams and launch shapes shared by all of them

Importing this package imports no Numba; `minigrad.backend.cuda` imports the modules above on first
GPU use. All Numba-specific code lives in this folder so it can be replaced without touching minigrad.
Every launcher takes CuPy arrays (NumPy arrays under NUMBA_ENABLE_CUDASIM=1, the simulator).
"""
