"""Small programs written the way PyTorch tutorials write them (only the import swapped): each trains a
few steps on every device, and its numbers are checked against what they must be (the documented
formulas, exact save/load round trips), and its gradients against float64 finite differences through
the whole model. Those whole-model gradchecks run on the CPU only: each layer's and loss's gradient is
already checked on every device (test_layers.py, test_losses.py), and through the CUDA simulator one
whole-model check takes a minute."""

import numpy as np
import pytest
from conftest import host

import minigrad as torch  # the tutorials' spelling: the code below is PyTorch code
import minigrad.nn.functional as F
from minigrad import nn, optim
from minigrad.autograd import gradcheck


def _parameters_gradcheck(model, loss_of_model, seed=0):
    """gradcheck of loss_of_model() with respect to every parameter (a float64 model), the dropout
    masks redrawn identically on every evaluation."""
    params = list(model.parameters())

    def loss(*weights):
        for p, w in zip(params, weights):
            p.data = w.data
        torch.manual_seed(seed)
        return loss_of_model()

    return gradcheck(loss, params)


# ------------------------------------------------------------------ a classifier with BatchNorm and Dropout
class Classifier(nn.Module):
    def __init__(self, n_in=6, hidden=16, n_classes=3):
        super().__init__()
        self.fc1 = nn.Linear(n_in, hidden)
        self.bn1 = nn.BatchNorm1d(hidden)
        self.dropout = nn.Dropout(p=0.2)
        self.fc2 = nn.Linear(hidden, n_classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.fc1(x)))
        return self.fc2(self.dropout(x))


def _blobs(device, n=96, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)
    centers = rng.standard_normal((3, 6)) * 3
    x = centers[labels] + rng.standard_normal((n, 6))
    return torch.tensor(x, dtype=torch.float32, device=device), torch.tensor(labels, device=device)


def test_classifier_with_batchnorm_and_dropout_trains_and_evaluates(device, tmp_path):
    torch.manual_seed(0)
    model = Classifier().to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x, y = _blobs(device)
    losses = []
    model.train()
    for _ in range(5):  # epochs
        for i in range(0, len(x), 32):
            optimizer.zero_grad()
            loss = criterion(model(x[i:i + 32]), y[i:i + 32])
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    assert np.mean(losses[-3:]) < 0.3 * np.mean(losses[:3])
    assert model.bn1.num_batches_tracked.item() == 15

    model.eval()
    with torch.no_grad():
        logits = model(x)
    np.testing.assert_array_equal(host(model(x)), host(logits))  # deterministic: no dropout in eval()
    # eval() is the documented formula: running statistics, no dropout
    h = host(x) @ host(model.fc1.weight).T + host(model.fc1.bias)
    bn = model.bn1
    h = (h - host(bn.running_mean)) / np.sqrt(host(bn.running_var) + bn.eps) * host(bn.weight) + host(bn.bias)
    expected = np.maximum(h, 0) @ host(model.fc2.weight).T + host(model.fc2.bias)
    np.testing.assert_allclose(host(logits), expected, rtol=1e-4, atol=1e-4)
    accuracy = (host(logits).argmax(1) == host(y)).mean()
    assert accuracy > 0.9

    # save and load in the tutorial's way: the state_dict, whatever the suffix
    torch.save(model.state_dict(), tmp_path / "model.pth")
    restored = Classifier().to(device)
    restored.load_state_dict(torch.load(tmp_path / "model.pth", weights_only=True))
    restored.eval()
    np.testing.assert_array_equal(host(restored(x)), host(logits))
    assert restored.bn1.num_batches_tracked.dtype == torch.int64 and restored.bn1.num_batches_tracked.item() == 15
    with pytest.raises(TypeError, match=r"save\(model.state_dict\(\), path\)"):
        torch.save(model, tmp_path / "whole_model.pth")  # PyTorch pickles whole modules; minigrad never does


@pytest.mark.parametrize("training", [True, False])
def test_classifier_gradients_match_finite_differences(training):
    device = "cpu"
    torch.manual_seed(1)
    model = Classifier(n_in=4, hidden=5).double().to(device)
    model.train(training)
    x, y = torch.randn(6, 4, dtype=torch.float64, device=device), torch.tensor([0, 1, 2, 0, 1, 2], device=device)
    # (training: the running statistics move with every forward, but the output depends on the batch's only)
    assert _parameters_gradcheck(model, lambda: F.cross_entropy(model(x), y, label_smoothing=0.1))


# ------------------------------------------------------------------ a tiny transformer-style block
class TinyBlock(nn.Module):
    """Token + position embeddings, one pre-norm attention head and a GELU MLP, tied to a vocabulary head."""

    def __init__(self, vocab=11, d=8, context=6):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(context, d)
        self.ln1, self.ln2, self.ln_f = nn.LayerNorm(d), nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
        self.head = nn.Linear(d, vocab, bias=False)
        self.register_buffer("mask", torch.tensor(np.triu(np.full((context, context), -1e9), 1)), persistent=False)

    def forward(self, idx):
        b, t = idx.shape
        x = self.tok(idx) + self.pos(torch.arange(t, device=idx.device))  # (B, T, d)
        qkv = self.qkv(self.ln1(x)).reshape(b, t, 3, -1).permute(2, 0, 1, 3)  # (3, B, T, d)
        q, k, v = qkv[0], qkv[1], qkv[2]
        att = (q @ k.transpose(1, 2)) / k.shape[-1] ** 0.5 + self.mask[:t, :t].to(x.dtype)
        x = x + F.softmax(att, dim=-1) @ v
        x = x + self.mlp(self.ln2(x))
        return self.head(self.ln_f(x))  # (B, T, vocab)


def test_tiny_transformer_block_learns_to_copy(device):
    torch.manual_seed(0)
    model = TinyBlock().to(device)
    optimizer = optim.AdamW(model.parameters(), lr=3e-2)
    rng = np.random.default_rng(0)
    losses = []
    for _ in range(25):
        idx = torch.tensor(rng.integers(0, 11, (8, 6)), device=device)
        logits = model(idx)
        # predict the current token: (B, T, C) -> (B, C, T), classes on dim 1 as PyTorch wants
        loss = F.cross_entropy(logits.permute(0, 2, 1), idx, label_smoothing=0.05)
        optimizer.zero_grad()
        loss.backward()
        total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        losses.append(loss.item())
    assert np.isfinite(total.item()) and np.mean(losses[-5:]) < 0.5 * np.mean(losses[:5])
    assert "mask" not in model.state_dict() and "tok.weight" in model.state_dict()


def test_tiny_transformer_block_gradients_match_finite_differences():
    device = "cpu"
    torch.manual_seed(2)
    model = TinyBlock(vocab=5, d=4, context=3).double().to(device)
    idx = torch.tensor([[1, 4, 0], [2, 2, 3]], device=device)
    assert _parameters_gradcheck(model, lambda: F.cross_entropy(model(idx).permute(0, 2, 1), idx))


# ------------------------------------------------------------------ a VAE-style MLP with BCE
class VAE(nn.Module):
    def __init__(self, n_in=12, hidden=10, latent=2):
        super().__init__()
        self.enc = nn.Linear(n_in, hidden)
        self.mu, self.logvar = nn.Linear(hidden, latent), nn.Linear(hidden, latent)
        self.dec1, self.dec2 = nn.Linear(latent, hidden), nn.Linear(hidden, n_in)

    def forward(self, x, noise):
        h = F.silu(self.enc(x))
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + noise * (0.5 * logvar).exp()  # the reparameterisation trick, with the noise given
        return torch.sigmoid(self.dec2(F.elu(self.dec1(z)))), mu, logvar


def vae_loss(recon, x, mu, logvar):
    """PyTorch's VAE example: reconstruction BCE (summed) + KL(q(z|x) || N(0, I))."""
    bce = F.binary_cross_entropy(recon, x, reduction="sum")
    kld = -0.5 * (1 + logvar - mu * mu - logvar.exp()).sum()
    return bce + kld


def test_vae_with_bce_trains(device):
    torch.manual_seed(0)
    model = VAE().to(device)
    optimizer = optim.Adam(model.parameters(), lr=5e-2)
    prototypes = torch.rand(3, 12) > 0.5  # binary images of three kinds: worth a 2-d code
    x = prototypes[torch.randint(0, 3, (32,))].float().to(device)
    losses = []
    for _ in range(25):
        recon, mu, logvar = model(x, torch.randn(32, 2, device=device))
        loss = vae_loss(recon, x, mu, logvar)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert np.mean(losses[-5:]) < 0.6 * np.mean(losses[:5])
    # the same loss from logits, stably: BCEWithLogits(logits) == BCE(sigmoid(logits))
    logits = model.dec2(F.elu(model.dec1(mu)))
    np.testing.assert_allclose(F.binary_cross_entropy_with_logits(logits, x, reduction="sum").item(),
                               nn.BCELoss(reduction="sum")(torch.sigmoid(logits), x).item(), rtol=1e-4)


def test_vae_gradients_match_finite_differences():
    device = "cpu"
    torch.manual_seed(3)
    model = VAE(n_in=5, hidden=4).double().to(device)
    x = (torch.rand(3, 5, device=device) > 0.5).double()
    noise = torch.randn(3, 2, dtype=torch.float64, device=device)

    def loss():
        recon, mu, logvar = model(x, noise)
        return vae_loss(recon, x, mu, logvar)

    assert _parameters_gradcheck(model, loss)


# ------------------------------------------------------------------ a regression with SmoothL1
def test_regression_with_smooth_l1_recovers_the_line_despite_outliers(device):
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, (200, 1))
    y = 3 * x + 2 + 0.1 * rng.standard_normal((200, 1))
    y[::20] += 50  # outliers, which an L2 fit would chase
    x, y = torch.tensor(x, dtype=torch.float32, device=device), torch.tensor(y, dtype=torch.float32, device=device)
    model = nn.Linear(1, 1).to(device)
    criterion = nn.SmoothL1Loss(beta=0.5)
    optimizer = optim.SGD(model.parameters(), lr=0.4, momentum=0.9)
    for _ in range(80):
        optimizer.zero_grad()
        criterion(model(x), y).backward()
        optimizer.step()
    assert abs(model.weight.item() - 3) < 0.1 and abs(model.bias.item() - 2) < 0.1  # L2 would shift b by 2.5
    # HuberLoss(delta) is delta * SmoothL1Loss(beta=delta), as PyTorch documents
    pred = model(x)
    np.testing.assert_allclose(nn.HuberLoss(delta=0.5)(pred, y).item(), 0.5 * criterion(pred, y).item(), rtol=1e-5)
