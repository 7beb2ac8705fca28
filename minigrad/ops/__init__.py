"""The differentiable operations, one `Function` subclass each, grouped by kind:

    arith    + - * / ** neg, and `sum_to`, the one helper that undoes broadcasting
    math     exp log sqrt abs clamp relu sigmoid tanh
    reduce   sum mean max min argmax
    shape    reshape permute expand squeeze/unsqueeze indexing cat stack
    linalg   matmul, linear (GEMM + bias kernel), linear_relu (fused)
    softmax  softmax log_softmax cross_entropy (fused backward)
    convert  dtype casts and device copies
"""
