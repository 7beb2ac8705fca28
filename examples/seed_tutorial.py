"""The nn.Linear walkthrough of the seed tutorials, runnable on minigrad (only the imports changed).

    python examples/seed_tutorial.py

Each section prints the shapes and values the tutorials describe: y = x A^T + b on a 1-D input,
batches of any rank (the Transformer-shaped (32, 128, 512) -> (32, 128, 1024) without a reshape),
initialisation, bias=False, a Net module, F.linear, and the two common errors, caught and explained.
"""

import minigrad as torch  # the tutorials' code below runs unchanged under this name
import minigrad.nn.functional as F
import minigrad.nn.init as init
from minigrad import nn


def section(title):
    print(f"\n== {title}")


def main():
    torch.manual_seed(0)

    section("nn.Linear(in_features=3, out_features=1): y = x A^T + b")
    linear_layer = nn.Linear(in_features=3, out_features=1)
    print("weight shape:", linear_layer.weight.shape, " bias shape:", linear_layer.bias.shape)
    output = linear_layer(torch.tensor([1., 2., 3.]))
    print("output:", output)
    by_hand = (linear_layer.weight * torch.tensor([1., 2., 3.])).sum() + linear_layer.bias
    print("by hand, sum_k x_k A_1k + b_1:", round(by_hand.item(), 6))

    section("batches of any rank: the last dimension is the feature dimension")
    x = torch.randn(4, 3)
    fc_layer = nn.Linear(3, 2)
    h = fc_layer(x)
    print("(4, 3) ->", h.shape, " [B x D_out]")
    x = torch.randn(32, 128, 512)  # batch=32, seq_len=128, hidden=512
    linear = nn.Linear(512, 1024)
    y = linear(x)
    print("(32, 128, 512) ->", y.shape, " no reshape needed")

    section("initialisation: Kaiming uniform by default; xavier_uniform_ and zeros_ on request")
    bound = 1 / 3 ** 0.5
    print(f"default weights within +-1/sqrt(in_features) = +-{bound:.4f}:",
          bool((linear_layer.weight.abs() <= bound).numpy().all()))
    init.xavier_uniform_(linear_layer.weight)
    init.zeros_(linear_layer.bias)
    print("after xavier_uniform_ / zeros_:", linear_layer.weight, linear_layer.bias, sep="\n")

    section("bias=False: Q/K/V projections, layers followed by a norm")
    q = nn.Linear(64, 64, bias=False)
    print(q, " bias:", q.bias)

    section("a Net(nn.Module) with two layers")

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(10, 5)
            self.fc2 = nn.Linear(5, 2)

        def forward(self, x):
            x = F.relu(self.fc1(x))
            return self.fc2(x)

    net = Net()
    print(net)
    print("net(randn(8, 10)).shape =", net(torch.randn(8, 10)).shape)
    print("parameters:", [(name, p.shape) for name, p in net.named_parameters()])

    section("F.linear(x, weight, bias): the same affine map without a module")
    x = torch.randn(2, 10)
    y = F.linear(x, net.fc1.weight, net.fc1.bias)
    print("F.linear matches net.fc1:", bool(((y - net.fc1(x)).abs() < 1e-6).numpy().all()))

    section("common error 1: the last dimension does not match in_features")
    try:
        fc_layer(torch.randn(4, 5))
    except RuntimeError as e:
        print("RuntimeError:", e)

    section("common error 2: an integer tensor (forgot .float())")
    x = torch.tensor([[1, 2, 3]])
    try:
        fc_layer(x)
    except TypeError as e:
        print("TypeError:", e)
    x = x.float()
    print("after x = x.float():", fc_layer(x).shape)


if __name__ == "__main__":
    main()
