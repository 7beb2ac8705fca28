"""The NCCL backend for CUDA tensors, as ChainerMN did it: MPI starts the ranks and hands NCCL's
unique id from rank 0 to the others; NCCL then reduces GPU buffers directly on CuPy's current stream.
Each rank drives one GPU, number LOCAL_RANK % (GPUs on its machine), as NCCL requires (two ranks on one
GPU are refused); its CUDA tensors must live there. Host (CPU) tensors still go through MPI. Needs a
real GPU and CuPy's NCCL bindings.
"""

_NCCL_OPS = {"sum": "NCCL_SUM", "avg": "NCCL_SUM", "max": "NCCL_MAX", "min": "NCCL_MIN", "product": "NCCL_PROD"}
_NCCL_TYPES = {"float16": "NCCL_FLOAT16", "float32": "NCCL_FLOAT32", "float64": "NCCL_FLOAT64",
               "int8": "NCCL_INT8", "uint8": "NCCL_UINT8", "int32": "NCCL_INT32", "int64": "NCCL_INT64"}


class NCCLGroup:
    def __init__(self, mpi_group, error):
        try:
            import cupy
            from cupy.cuda import nccl
        except ImportError:
            mpi_group.close()
            raise error("backend 'nccl' needs CuPy with NCCL (pip install 'minigrad-nn[cuda]' on a GPU "
                        "machine); use backend='mpi' to stage CUDA tensors through host memory") from None
        self.mpi, self.nccl, self.rank, self.size = mpi_group, nccl, mpi_group.rank, mpi_group.size
        self.local_rank, self.local_size = mpi_group.local_rank, mpi_group.local_size
        self.gpu = mpi_group.local_rank % cupy.cuda.runtime.getDeviceCount()
        cupy.cuda.Device(self.gpu).use()  # the communicator belongs to the device current at its creation
        uid = nccl.get_unique_id() if self.rank == 0 else None
        uid = mpi_group.all_gather_object(uid)[0]
        self.comm = nccl.NcclCommunicator(self.size, uid, self.rank)

    def close(self):
        self.comm.destroy()
        self.mpi.close()

    def abort(self):
        self.mpi.abort()

    def barrier(self):
        self.mpi.barrier()

    def _nccl_args(self, tensor, op):
        import cupy

        data = tensor._data
        if tensor.device.index != self.gpu:
            raise ValueError(f"rank {self.rank} drives cuda:{self.gpu} (LOCAL_RANK {self.local_rank}), but this "
                             f"tensor is on {tensor.device}: create it with device=f'cuda:{self.gpu}'")
        if not data.flags.c_contiguous:
            raise ValueError(f"nccl collectives need contiguous tensors, got shape {tuple(tensor.shape)}")
        kind = _NCCL_TYPES.get(str(data.dtype))
        if kind is None:
            raise TypeError(f"nccl cannot reduce {data.dtype} tensors (shape {tuple(tensor.shape)})")
        stream = cupy.cuda.get_current_stream().ptr
        return data, getattr(self.nccl, kind), getattr(self.nccl, _NCCL_OPS[op]), stream

    def all_reduce(self, tensor, op):
        if tensor.device.type != "cuda":
            return self.mpi.all_reduce(tensor, op)
        data, kind, nccl_op, stream = self._nccl_args(tensor, op)
        tensor._mark_written()
        self.comm.allReduce(data.data.ptr, data.data.ptr, data.size, kind, nccl_op, stream)
        if op == "avg":
            data /= self.size

    def broadcast(self, tensor, src):
        if tensor.device.type != "cuda":
            return self.mpi.broadcast(tensor, src)
        data, kind, _, stream = self._nccl_args(tensor, "sum")
        tensor._mark_written()
        self.comm.bcast(data.data.ptr, data.size, kind, src, stream)

    def start_all_reduce(self, array):
        return self.mpi.start_all_reduce(array)  # DDP's buckets are host buffers: they travel over MPI

    def wait(self, requests, what):
        self.mpi.wait(requests, what)

    def all_gather(self, tensor_list, tensor):
        self.mpi.all_gather(tensor_list, tensor)  # staged: all_gather is not on any hot path here

    def all_gather_object(self, obj):
        return self.mpi.all_gather_object(obj)
