// Visualise layer of the User Activity charts: each prepare function's model goes to a ChartCard
// as is; the funnel card adds its step editor. No data shaping here.
import { useMemo } from 'react';
import type { UserActivity } from '../../../api/types';
import { ChartCard } from '../../../components/ui/ChartCard';
import type { ChartClick } from '../../../components/ui/EChart';
import { useTheme } from '../../../hooks/useTheme';
import { activeUsersModel, newReturningModel, stickinessModel } from '../lib/activeUsers';
import { calendarModel } from '../lib/calendar';
import { cohortHeatmapModel } from '../lib/cohortHeatmap';
import { clickedExperiment, experimentBubblesModel } from '../lib/experimentBubbles';
import { funnelModel } from '../lib/funnel';
import { networkModel } from '../lib/network';
import type { Dimension } from '../../filters/lib/filters';
import type { UsersView } from '../lib/params';
import { FunnelEditor } from './FunnelEditor';
import '../../../components/ui/echartsExtras';

interface UserChartsProps {
  activity: UserActivity | undefined;
  view: UsersView;
  onView: (view: UsersView) => void;
  /** A click on an experiment's bubble: filter by it (as the leaderboards' rows do). */
  onPick: (dim: Dimension, value: string) => void;
}

export function UserCharts({ activity, view, onView, onPick }: UserChartsProps) {
  const { palette } = useTheme();
  const models = useMemo(
    () =>
      activity && {
        active: activeUsersModel(activity.active, palette),
        newReturning: newReturningModel(activity.active, palette),
        stickiness: stickinessModel(activity.active, palette),
        experiments: experimentBubblesModel(activity.experiments, palette),
        funnel: funnelModel(activity.funnel, palette),
        cohorts: cohortHeatmapModel(activity.cohorts, palette),
        network: networkModel(activity.network, palette),
        calendar: calendarModel(activity.calendar, palette),
      },
    [activity, palette],
  );
  const card = (
    id: string,
    title: string,
    description: string,
    model: keyof NonNullable<typeof models>,
    index: number,
    className = '',
    onChartClick?: (params: ChartClick) => void,
  ) => (
    <ChartCard
      id={id}
      title={title}
      description={description}
      model={models?.[model]}
      exportBackground={palette.background}
      index={index}
      className={className}
      onChartClick={onChartClick}
    />
  );

  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
      {card('active-users', 'Active users', 'Distinct users per day, and in the 7 and 30 days ending with it', 'active', 0, 'lg:col-span-2')}
      {card('new-returning', 'New vs returning', 'Users first seen that day, and users seen before', 'newReturning', 1)}
      {card('stickiness', 'Stickiness', 'DAU / MAU: how many of the month’s users came back that day', 'stickiness', 2)}
      <div className="flex flex-col gap-2 lg:col-span-2">
        <FunnelEditor view={view} onApply={onView} />
        {card('funnel', 'Funnel', `Users who did each step in order, within ${view.window} of their first step`, 'funnel', 3)}
      </div>
      {card(
        'experiments',
        'Experiment popularity',
        'Users (x), calls (y) and cost (bubble size) per experiment; click a bubble to filter by it',
        'experiments',
        4,
        '',
        (params) => {
          const experiment = clickedExperiment(params);
          if (experiment !== null) onPick('experiment', experiment);
        },
      )}
      {card('cohorts', 'Retention cohorts', 'Users by week first seen (cohort size), and the share active in each week after', 'cohorts', 5)}
      {card('network', 'Collaboration network', 'The busiest users and their strongest links (experiments shared); colour = team', 'network', 6, 'h-96 lg:col-span-2 lg:h-[28rem]')}
      {card('calendar', 'Activity calendar', 'Calls per day over up to a year', 'calendar', 7, 'lg:col-span-2')}
    </div>
  );
}
