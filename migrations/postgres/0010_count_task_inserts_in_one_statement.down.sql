-- Reverts 0010: strata_count_tasks as 0008 left it.
CREATE OR REPLACE FUNCTION strata_count_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM strata_add_task_counts(cluster_arn, task_group,
              count(*) FILTER (WHERE last_status = 'RUNNING'),
              count(*) FILTER (WHERE last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING')),
              count(*) FILTER (WHERE last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING')))
    FROM new_rows WHERE last_status NOT IN ('STOPPED', 'DELETED')
    GROUP BY cluster_arn, task_group ORDER BY cluster_arn, task_group;
  ELSE
    PERFORM strata_add_task_counts(cluster_arn, task_group,
              -count(*) FILTER (WHERE last_status = 'RUNNING'),
              -count(*) FILTER (WHERE last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING')),
              -count(*) FILTER (WHERE last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING')))
    FROM old_rows WHERE last_status NOT IN ('STOPPED', 'DELETED')
      AND EXISTS (SELECT 1 FROM clusters c WHERE c.arn = old_rows.cluster_arn)
    GROUP BY cluster_arn, task_group ORDER BY cluster_arn, task_group;
    PERFORM strata_task_left_service(cluster_arn, task_group)
    FROM (SELECT DISTINCT cluster_arn, task_group FROM old_rows
          WHERE last_status NOT IN ('STOPPED', 'DELETED') AND task_group LIKE 'service:%'
            AND EXISTS (SELECT 1 FROM clusters c WHERE c.arn = old_rows.cluster_arn)
          ORDER BY cluster_arn, task_group) AS left_live;
  END IF;
  RETURN NULL;
END
$$;
