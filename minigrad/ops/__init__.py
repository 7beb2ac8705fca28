"""The differentiable operations, one `Function` subclass each, grouped by kind:

    arith      + - * / // ** neg, add/sub(alpha=)/div(rounding_mode=), and `sum_to`, the one
               helper that undoes broadcasting
    math       exp exp2 expm1 log log2 log10 log1p sqrt rsqrt reciprocal square sigmoid logit xlogy relu
    trig       sin cos tan asin acos atan atan2 hypot sinh cosh tanh asinh acosh atanh sinc deg2rad rad2deg
    piecewise  abs sign clamp maximum minimum floor ceil round trunc
    remainder  % remainder fmod (what is left of a division)
    pointwise  lerp addcmul addcdiv (of three tensors)
    reduce     sum mean var std prod logsumexp
    scan       cumsum cumprod diff
    sort       max min amax amin argmax argmin sort argsort topk
    count      unique bincount histc searchsorted (no gradients)
    compare    == != < <= > >=, isclose allclose equal isnan any all count_nonzero, & | ^ ~ (no gradients)
    shape      reshape/view flatten squeeze permute transpose movedim expand (views)
    reorder    flip roll repeat tile (copies)
    join       cat stack hstack vstack split chunk unbind
    index      x[index], x[index] = v, narrow
    gather     gather scatter scatter_add index_select
    mask       where masked_fill tril triu nonzero
    linalg     matmul mm bmm mv dot outer, linear (GEMM + bias kernel), linear_relu (fused)
    cross      cross products
    solve      det slogdet inv solve cholesky (square matrices)
    decomposition  svd qr eigh (one node, several outputs)
    diagonal   diagonal diag diag_embed trace
    einsum     einsum, forward and backward each one einsum
    norm       vector and matrix norms (minigrad.linalg), cdist
    softmax    softmax log_softmax cross_entropy (fused backward)
    convert    dtype casts and device copies, clone
    fill       random fills in place: uniform_ normal_ random_ bernoulli_ exponential_
    in_place   torch.sin_(x) and the other in-place functions
    out        the out= argument of the functional forms
"""
