# session 23, call 5: Nsight Compute on the two-program chunk forward (xk/ncu_tp.py): DRAM bytes, L2 hit rate
export PYTHONPATH=. PYTHONUNBUFFERED=1
which ncu || ls /usr/local/cuda*/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null
M=dram__bytes_read.sum,dram__bytes_write.sum,gpu__time_duration.sum,lts__t_sector_hit_rate.pct,sm__warps_active.avg.pct_of_peak_sustained_active,launch__registers_per_thread,lts__t_sectors_srcunit_tex_op_read.sum,lts__t_sectors_srcunit_tex_op_read_lookup_hit.sum
s=$SECONDS; timeout -s KILL 300 ncu --clock-control none --profile-from-start off -k regex:"_fwd_chunk_kernel|_fwd_2ph_kernel" --metrics $M python3 xk/ncu_tp.py > $OUT/ncu_tp.txt 2>&1; echo "rc=$? $((SECONDS-s)) s"
grep -E "_fwd_chunk_kernel|_fwd_2ph_kernel|dram__|duration|hit|warps_active|registers|lts__t_sectors|profiled" $OUT/ncu_tp.txt | awk '{$1=$1};1' | head -60
