// Workgroup and invocation indices for grids that the host split over x/y (vk_grid_1d): the x
// dimension is capped at maxComputeWorkGroupCount[0], so large 1-D launches spill into y.
// The including shader declares the workgroup size as specialization constant 0 named WG (with
// layout(local_size_x_id = 0)) before including this file; gl_WorkGroupSize is not used because
// some drivers do not specialise it.
#ifndef FLAT_GRID_GLSL
#define FLAT_GRID_GLSL

uint flat_workgroup_id()
{
    return gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
}

uint flat_invocation_id()
{
    return flat_workgroup_id() * WG + gl_LocalInvocationID.x;
}

#endif
