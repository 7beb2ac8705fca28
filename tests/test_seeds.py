"""Every code snippet of the two seed tutorials (../shared/seeds/), with `torch` swapped for
`minigrad`, checking the shapes and values the text states."""

import numpy as np
import pytest


def test_guide_basic_linear_layer():
    # 000: nn.Linear(in_features=3, out_features=1) -> weight 1 x 3, bias 1
    import minigrad
    from minigrad import nn

    linear_layer = nn.Linear(in_features=3, out_features=1)
    assert linear_layer.weight.shape == (1, 3) and linear_layer.bias.shape == (1,)
    output = linear_layer(minigrad.tensor([1., 2., 3.]))
    print(output)
    w, b = linear_layer.weight.detach().numpy(), linear_layer.bias.detach().numpy()
    np.testing.assert_allclose(output.data, w @ [1.0, 2.0, 3.0] + b, rtol=1e-6)  # y = x A^T + b
    assert output.shape == (1,)


def test_guide_batch_and_transformer_inputs():
    import minigrad
    from minigrad import nn

    x = minigrad.randn(32, 128, 512)  # batch=32, seq_len=128, hidden=512
    linear = nn.Linear(512, 1024)
    y = linear(x)  # output: [32, 128, 1024], no reshape needed
    assert y.shape == (32, 128, 1024)


def test_guide_initialisation():
    import minigrad.nn.init as init
    from minigrad import nn

    linear_layer = nn.Linear(in_features=3, out_features=1)
    init.xavier_uniform_(linear_layer.weight)
    init.zeros_(linear_layer.bias)
    bound = np.sqrt(6 / (3 + 1))
    assert np.abs(linear_layer.weight.data).max() <= bound and linear_layer.bias.tolist() == [0.0]


def test_guide_bias_free_projections_and_heads():
    from minigrad import nn

    embed_dim, d_model, hidden_dim, num_classes = 64, 32, 128, 10
    assert nn.Linear(embed_dim, embed_dim, bias=False).bias is None
    layer = nn.Linear(256, 128)
    q = nn.Linear(d_model, d_model, bias=False)
    classifier = nn.Linear(hidden_dim, num_classes)
    assert layer.weight.shape == (128, 256) and q.weight.shape == (32, 32)
    assert classifier.weight.shape == (10, 128) and classifier.bias.shape == (10,)


def make_net():
    import minigrad.nn.functional as F
    from minigrad import nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(10, 5)
            self.fc2 = nn.Linear(5, 2)

        def forward(self, x):
            x = F.relu(self.fc1(x))
            return self.fc2(x)

    net = Net()
    return net


def test_guide_net_module():
    import minigrad

    net = make_net()
    assert net(minigrad.randn(7, 10)).shape == (7, 2)
    assert [n for n, _ in net.named_parameters()] == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]


def test_guide_pytorch2_tips_compile_amp_quantization_functional():
    import minigrad
    import minigrad.ao.quantization as quant
    import minigrad.nn.functional as F

    net = make_net()
    model = minigrad.compile(net)
    x = minigrad.randn(4, 10)
    with minigrad.cuda.amp.autocast():
        output = model(x)
    assert output.shape == (4, 2)  # autocast("cuda") leaves CPU tensors in float32
    qmodel = quant.quantize_dynamic(net, {minigrad.nn.Linear}, dtype=minigrad.qint8)
    np.testing.assert_allclose(qmodel(x).data, net(x).data, atol=0.05)
    weight, bias = net.fc1.weight, net.fc1.bias
    y = F.linear(x, weight, bias)
    np.testing.assert_allclose(y.data, x.data @ weight.data.T + bias.data, rtol=1e-6)


def test_guide_common_errors():
    import minigrad
    from minigrad import nn

    layer = nn.Linear(3, 2)
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied"):
        layer(minigrad.randn(4, 5))  # 1. the last dim must equal in_features
    x = minigrad.tensor([[1, 2, 3]])
    with pytest.raises(TypeError, match=r"\.float\(\)"):
        layer(x)  # 3. integer tensor
    x = x.float()
    assert layer(x).shape == (1, 2)


def test_lecture_notes_fc_layer():
    # 004: x = torch.randn(4, 3); fc_layer = nn.Linear(3, 2); h = fc_layer(x)
    import minigrad
    import minigrad.nn as nn

    x = minigrad.randn(4, 3)
    fc_layer = nn.Linear(3, 2)
    h = fc_layer(x)
    assert h.shape == (4, 2)  # B x D_out
    assert fc_layer.weight.shape == (2, 3) and fc_layer.bias.shape == (2,)  # D_out x D_in, D_out
    assert "Parameter containing" in repr(fc_layer.weight) and "requires_grad=True" in repr(fc_layer.bias)
    # h_11 = x_11 w_11 + x_12 w_12 + x_13 w_13 + b_1, element by element as the notes write it
    w, b = fc_layer.weight.detach().numpy(), fc_layer.bias.detach().numpy()
    np.testing.assert_allclose(h.data[0, 0], sum(x.data[0, k] * w[0, k] for k in range(3)) + b[0], rtol=1e-5)


def test_seed_tutorial_example_runs(capsys):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
    import seed_tutorial

    seed_tutorial.main()
    out = capsys.readouterr().out
    assert "(32, 128, 512) -> minigrad.Size([32, 128, 1024])" in out  # torch prints torch.Size([...]) there
    assert "mat1 and mat2 shapes cannot be multiplied" in out
    assert "after x = x.float(): minigrad.Size([1, 2])" in out
