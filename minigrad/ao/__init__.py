"""`minigrad.ao`: model optimisation for inference (PyTorch's torch.ao); see quantization.py."""
