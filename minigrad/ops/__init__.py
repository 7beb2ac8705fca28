"""The differentiable operations, one `Function` subclass each, grouped by kind:

    arith      + - * / // ** neg, add/sub(alpha=)/div(rounding_mode=), and `sum_to`, the one
               helper that undoes broadcasting
    math       exp log log2 log10 log1p expm1 sqrt rsqrt sin cos tan tanh sigmoid relu
    piecewise  abs sign clamp maximum minimum floor ceil round trunc
    reduce     sum mean var std prod cumsum logsumexp
    sort       max min amax amin argmax argmin sort argsort topk
    compare    == != < <= > >=, isclose allclose equal isnan any all count_nonzero, & | ^ ~ (no gradients)
    shape      reshape/view flatten squeeze permute transpose movedim expand (views)
    reorder    flip roll repeat tile (copies)
    join       cat stack hstack vstack split chunk unbind
    index      x[index], x[index] = v, narrow
    gather     gather scatter scatter_add index_select
    mask       where masked_fill tril triu nonzero
    linalg     matmul mm bmm mv dot outer, linear (GEMM + bias kernel), linear_relu (fused)
    einsum     einsum, forward and backward each one einsum
    norm       vector and matrix norms (minigrad.linalg)
    softmax    softmax log_softmax cross_entropy (fused backward)
    convert    dtype casts and device copies
    out        the out= argument of the functional forms
"""
